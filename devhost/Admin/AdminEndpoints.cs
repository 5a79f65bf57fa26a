using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Hosting;
using Serverless.DevHost.Http;
using Serverless.DevHost.Triggers;
using Serverless.DevHost.Worker;

namespace Serverless.DevHost.Admin;

/// <summary>The host's admin routes that devhost keeps, behind the admin key: <c>GET /admin/functions</c> lists the
/// functions it serves; <c>POST /admin/functions/{name}</c> runs a non-HTTP function now (202), for tests and
/// operators (body <c>{"input": "..."}</c>: a queue function's message). <c>?wait=true</c> (devhost only) answers
/// after the run: 200, or 500 problem+json when it failed.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/functions", (HttpContext context, FunctionApp app, IConfiguration configuration) =>
            Authorized(context, configuration) ?? Results.Json(FunctionSummary.From(app, configuration)));
        endpoints.MapPost("/admin/functions/{name}", RunAsync);
        return endpoints;
    }

    private static IResult? Authorized(HttpContext context, IConfiguration configuration) =>
        AdminKey.IsPresented(context.Request, configuration[AdminKey.ConfigurationKey])
            ? null
            : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "The admin routes need the admin key (Authorization: Bearer <key>, x-functions-key or x-api-key).");

    private static async Task<IResult> RunAsync(string name, bool? wait, HttpContext context, FunctionApp app, IConfiguration configuration)
    {
        if (Authorized(context, configuration) is { } refusal) return refusal;
        var function = app.Find(name);
        if (function is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"The app has no function '{name}'.");
        }

        if (!function.IsTimer && !function.IsQueue)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request",
                detail: $"'{name}' is a {function.Trigger.Type} function; only timer and queue functions run through the admin route.");
        }

        var input = await ReadInputAsync(context.Request, context.RequestAborted);
        if (input.Error is not null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: input.Error);
        }

        var services = context.RequestServices;
        var run = Task.Run(() => RunFunctionAsync(function, input.Value, services, CancellationToken.None));
        if (wait != true) return Results.Accepted();

        InvocationOutcome outcome;
        try
        {
            outcome = await run;
        }
        catch (WorkerUnavailableException ex)
        {
            context.Response.Headers.RetryAfter = "2";
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable", detail: ex.Message);
        }

        return outcome.Succeeded
            ? Results.Ok(new { outcome.InvocationId, status = "succeeded", durationMs = (long)outcome.Duration.TotalMilliseconds })
            : Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Function failed",
                detail: $"'{function.Name}' failed (invocation {outcome.InvocationId}): {outcome.Failure}");
    }

    private static async Task<InvocationOutcome> RunFunctionAsync(FunctionDescription function, string? input, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (function.IsTimer)
        {
            return await services.GetRequiredService<TimerRunner>().RunAsync(function, next: null, isPastDue: false, cancellationToken);
        }

        var message = new QueueDelivery(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), BinaryData.FromString(input ?? string.Empty), 1,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(7), DateTimeOffset.UtcNow);
        var binary = string.Equals(function.Trigger.DataType, "Binary", StringComparison.OrdinalIgnoreCase);
        return await services.GetRequiredService<FunctionInvoker>().InvokeAsync(
            function, (functionId, invocationId) => InvocationRequests.ForQueue(functionId, invocationId, function.Trigger.Name, binary, message), cancellationToken);
    }

    private static async Task<(string? Value, string? Error)> ReadInputAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"))) return (null, null);
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (body.RootElement.ValueKind != JsonValueKind.Object) return (null, "The body must be a JSON object such as {\"input\": \"...\"}.");
            if (!body.RootElement.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null) return (null, null);
            return input.ValueKind == JsonValueKind.String ? (input.GetString(), null) : (input.GetRawText(), null);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON: {ex.Message}");
        }
    }
}
