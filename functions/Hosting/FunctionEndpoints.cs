using System.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace Serverless.Functions.Hosting;

/// <summary>Maps the catalog onto ASP.NET Core: HTTP functions at <c>/api/{route}</c> (where the Functions
/// host forwards them), timer functions at <c>POST /{Name}</c> (the custom-handler invocation contract),
/// and <c>GET /</c> for the host's readiness check.</summary>
public static class FunctionEndpoints
{
    public const string RoutePrefix = "api";

    public static WebApplication MapFunctions(this WebApplication app)
    {
        app.MapGet("/", () => Results.Ok(new { status = "ready" })).ExcludeFromDescription();
        foreach (var function in FunctionCatalog.All)
        {
            if (function.Kind == TriggerKind.Http) MapHttp(app, function);
            else MapTimerInvocation(app, function);
        }
        return app;
    }

    private static void MapHttp(WebApplication app, FunctionDescriptor function)
    {
        var trigger = function.Http!;
        var endpoint = app.MapMethods($"/{RoutePrefix}/{trigger.Route}", [trigger.Method],
                (Delegate)((HttpContext context) => ((IHttpFunction)context.RequestServices.GetRequiredService(function.Type)).RunAsync(context, context.RequestAborted)))
            .WithName(function.Name)
            .WithTags(Tag(trigger.Route))
            .WithSummary(trigger.Summary ?? function.Name)
            .WithMetadata(function);
        if (trigger.Request is { } request) endpoint.Accepts(request, "application/json");
        if (trigger.Response is { } response) endpoint.Produces(trigger.Status, response);
        else endpoint.Produces(trigger.Status);
        foreach (var status in new[] { 400, 401, 404, 409, 413, 415, 429, 503 }) endpoint.ProducesProblem(status);
    }

    private static void MapTimerInvocation(WebApplication app, FunctionDescriptor function)
    {
        app.MapPost("/" + function.Name, async (HttpContext context, ILoggerFactory loggers) =>
        {
            // Body: { "Data": { "timer": {...} }, "Metadata": {...} } — the timer's state is not needed.
            var started = Stopwatch.GetTimestamp();
            var result = await ((ITimerFunction)context.RequestServices.GetRequiredService(function.Type)).RunAsync(context.RequestAborted);
            var log = $"{function.Name} ran in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms: {System.Text.Json.JsonSerializer.Serialize(result)}";
            loggers.CreateLogger(function.Name).LogInformation("{Log}", log);
            return Results.Json(new InvocationResponse(new Dictionary<string, object?>(), [log], null));
        }).ExcludeFromDescription();
    }

    private static string Tag(string route)
    {
        var segments = route.Split('/');
        return segments.Length > 3 ? segments[3] : segments.Length > 1 ? segments[1] : segments[0];
    }
}

/// <summary>The custom handler's answer to an invocation (Azure Functions custom handler contract).
/// <c>ReturnValue</c> is written even when null: the API's JSON options omit nulls, the contract does not.</summary>
public sealed record InvocationResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("Outputs")] IDictionary<string, object?> Outputs,
    [property: System.Text.Json.Serialization.JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: System.Text.Json.Serialization.JsonPropertyName("ReturnValue")]
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] object? ReturnValue);
