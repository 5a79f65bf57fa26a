using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Hosting;
using Serverless.DevHost.Rpc;
using Serverless.DevHost.Worker;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.DevHost.Http;

/// <summary>Runs an HTTP function as the host does for a worker with the ASP.NET Core integration: the request is
/// forwarded (YARP) to the worker's own HTTP endpoint with the header <c>x-ms-invocation-id</c>, paired with an
/// InvocationRequest of the same id; the worker's response streams back as it comes.</summary>
public sealed class HttpFunctionForwarder(
    IHttpForwarder forwarder, WorkerSupervisor workers, FunctionApp app, IOptions<DevHostOptions> options, ILogger<HttpFunctionForwarder> logger) : IDisposable
{
    /// <summary>The header the worker pairs a forwarded request with its InvocationRequest by.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(240) };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ActivityHeadersPropagator = null,
        // Kestrel accepts UTF-8 header values (an Authorization with an 'é'); the worker must see the same bytes. The
        // default ASCII-only encoder would fail the forward, and the client would get a 503 for its own header.
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    });

    public async Task ForwardAsync(HttpContext context, FunctionDescription function)
    {
        LoadedWorker worker;
        try
        {
            worker = await workers.GetWorkerAsync(TimeSpan.FromSeconds(options.Value.WorkerWaitSeconds), context.RequestAborted);
        }
        catch (WorkerUnavailableException ex)
        {
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", ex.Message, RetryAfter);
            return;
        }

        var functionId = worker.FunctionId(function.Name);
        if (functionId is null || worker.HttpUri is null)
        {
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal Server Error", $"Function '{function.Name}' failed to load in the worker.");
            return;
        }

        var clock = Stopwatch.StartNew();
        var invocationId = Guid.NewGuid().ToString();
        context.Request.Headers[InvocationIdHeader] = invocationId;
        using var invocationScope = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        invocationScope.CancelAfter(app.Host.FunctionTimeout);
        var request = InvocationRequests.ForHttp(functionId, invocationId, function.Trigger.Name, RouteValues(context), Query(context), Headers(context));
        var invocation = worker.Channel.InvokeAsync(request, invocationScope.Token);

        var error = await forwarder.SendAsync(context, worker.HttpUri.ToString(), _client, RequestConfig);
        if (error is ForwarderError.None)
        {
            await CompleteAsync(context, function, invocation, invocationId, clock);
            return;
        }

        // The invocation cannot complete without its request: stop waiting for it.
        await invocationScope.CancelAsync();
        await ObserveAsync(invocation);
        if (IsClientGone(error)) return;

        logger.LogWarning("Forwarding {Method} {Path} to the worker failed ({Error}): {Reason}",
            context.Request.Method, context.Request.Path, error, context.GetForwarderErrorFeature()?.Exception?.Message);
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                "The function app's worker stopped while handling the request; it is restarting. Try again shortly.", RetryAfter);
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task CompleteAsync(HttpContext context, FunctionDescription function, Task<InvocationResponse> invocation, string invocationId, Stopwatch clock)
    {
        string? failure;
        try
        {
            var response = await invocation;
            failure = response.Result?.Status == StatusResult.Types.Status.Success ? null : FunctionInvoker.Describe(response.Result);
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or OperationCanceledException)
        {
            failure = ex.Message;
        }

        if (failure is null)
        {
            logger.LogDebug("Executed '{Function}' (Succeeded, Id={InvocationId}, Duration={Duration}ms)", function.Name, invocationId, clock.ElapsedMilliseconds);
            return;
        }

        logger.LogError("Executed '{Function}' (Failed, Id={InvocationId}, Duration={Duration}ms): {Failure}", function.Name, invocationId, clock.ElapsedMilliseconds, failure);
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal Server Error", $"Function '{function.Name}' failed (invocation {invocationId}).");
        }
    }

    private static async Task ObserveAsync(Task invocation)
    {
        try
        {
            await invocation;
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or OperationCanceledException)
        {
            // Reported through the forwarding error.
        }
    }

    private static bool IsClientGone(ForwarderError error) => error is ForwarderError.RequestCanceled
        or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled or ForwarderError.UpgradeRequestCanceled
        or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient;

    private static IEnumerable<KeyValuePair<string, string>> RouteValues(HttpContext context) =>
        context.Request.RouteValues
            .Where(v => v.Value is not null)
            .Select(v => new KeyValuePair<string, string>(v.Key, Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));

    private static Dictionary<string, string> Query(HttpContext context) =>
        context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, string> Headers(HttpContext context) =>
        context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}
