using Microsoft.Extensions.Configuration;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Http;
using Serverless.DevHost.Triggers;

namespace Serverless.DevHost.Hosting;

/// <summary>What devhost serves for one function: HTTP methods and route, timer schedule or queue name. Printed at
/// start as <c>func start</c> does and listed by <c>GET /admin/functions</c>.</summary>
public sealed record FunctionSummary(string Name, string Trigger, IReadOnlyList<string>? Methods, string? Route, string? Schedule, string? Queue)
{
    public static IReadOnlyList<FunctionSummary> From(FunctionApp app, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Functions.Select(f => From(app, f, configuration)).ToList();
    }

    /// <summary>One line of the start-up banner, e.g. <c>GetQueue: [GET] http://127.0.0.1:7071/api/v1/vhosts/{vhost}/queues/{queue}</c>.</summary>
    public string Describe(string baseUrl) => Trigger switch
    {
        TriggerTypes.Http => $"{Name}: [{string.Join(",", Methods is { Count: > 0 } ? Methods : ["ALL"])}] {baseUrl.TrimEnd('/')}/{Route}",
        TriggerTypes.Timer => $"{Name}: timerTrigger ({Schedule})",
        TriggerTypes.Queue => $"{Name}: queueTrigger ({Queue})",
        _ => $"{Name}: {Trigger}",
    };

    private static FunctionSummary From(FunctionApp app, FunctionDescription function, IConfiguration configuration)
    {
        if (function.IsHttp)
        {
            return new FunctionSummary(function.Name, TriggerTypes.Http, function.Trigger.Methods, HttpFunctionRoutes.Template(app, function), null, null);
        }

        if (function.IsTimer) return new FunctionSummary(function.Name, TriggerTypes.Timer, null, null, Resolved(function.Trigger.Schedule, configuration), null);
        if (function.IsQueue) return new FunctionSummary(function.Name, TriggerTypes.Queue, null, null, null, Resolved(function.Trigger.QueueName, configuration));
        return new FunctionSummary(function.Name, function.Trigger.Type, null, null, null, null);
    }

    private static string? Resolved(string? value, IConfiguration configuration)
    {
        if (value is null) return null;
        try
        {
            return AppSettingExpressions.Resolve(value, configuration);
        }
        catch (InvalidOperationException)
        {
            return value;
        }
    }
}
