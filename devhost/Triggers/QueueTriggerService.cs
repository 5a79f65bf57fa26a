using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.DevHost.Functions;
using Serverless.DevHost.Hosting;
using Serverless.DevHost.Worker;

namespace Serverless.DevHost.Triggers;

/// <summary>Polls the Azure Storage queue of every queue-triggered function (connection and queue name from
/// functions.metadata, resolved from the app settings) and runs the function on each message.</summary>
public sealed class QueueTriggerService(
    FunctionApp app, FunctionInvoker invoker, WorkerSupervisor workers, IConfiguration configuration,
    IOptions<DevHostOptions> options, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<QueueTriggerService>();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pollers = new List<Task>();
        foreach (var function in app.Functions.Where(f => f.IsQueue))
        {
            QueueTriggerPoller poller;
            try
            {
                poller = CreatePoller(function);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
            {
                _logger.LogError("Queue function {Function} will not run: {Reason}", function.Name, ex.Message);
                continue;
            }

            pollers.Add(poller.RunAsync(WaitForWorkerAsync, stoppingToken));
        }

        return Task.WhenAll(pollers);
    }

    /// <summary>The queue name of a queue trigger, with a <c>%setting%</c> resolved.</summary>
    public static string QueueName(FunctionDescription function, IConfiguration configuration) =>
        AppSettingExpressions.Resolve(function.Trigger.QueueName ?? throw new FormatException("The queue trigger has no queueName."), configuration)
            .ToLowerInvariant();

    /// <summary>Runs the function on one message; false when it failed.</summary>
    public async Task<bool> RunAsync(FunctionDescription function, QueueDelivery message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        var binary = string.Equals(function.Trigger.DataType, "Binary", StringComparison.OrdinalIgnoreCase);
        var outcome = await invoker.InvokeAsync(
            function, (functionId, invocationId) => InvocationRequests.ForQueue(functionId, invocationId, function.Trigger.Name, binary, message), cancellationToken);
        return outcome.Succeeded;
    }

    private QueueTriggerPoller CreatePoller(FunctionDescription function)
    {
        var connection = StorageConnections.Resolve(function.Trigger.Connection, configuration);
        var name = QueueName(function, configuration);
        var clientOptions = new QueueClientOptions
        {
            MessageEncoding = app.Host.QueueMessagesBase64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
        };
        var queue = new QueueClient(connection, name, clientOptions);
        var poison = new QueueClient(connection, name + "-poison", clientOptions);
        _logger.LogDebug("Queue function {Function} polls {Queue}", function.Name, queue.Uri);
        return new QueueTriggerPoller(queue, poison, QueuePollingOptions.From(app.Host), (message, ct) => RunAsync(function, message, ct), _logger);
    }

    private async Task WaitForWorkerAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await workers.GetWorkerAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.WorkerWaitSeconds)), cancellationToken);
                return;
            }
            catch (WorkerUnavailableException)
            {
                // Messages stay in the queue until a worker can run them.
            }
        }
    }
}
