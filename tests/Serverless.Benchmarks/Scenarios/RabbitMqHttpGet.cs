using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Peer (<c>--peer rabbitmq</c>): HTTP get of 1 and 10 messages with <c>ack_requeue_false</c>
/// (removed as returned, at most once: the contract of the service's auto-ack receive), from a backlog refilled between timed drains.</summary>
public sealed class RabbitMqHttpGet : IScenario
{
    public string Name => "rabbitmq-http-get";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await context.StopEnvironmentAsync();
        var options = context.Options;
        foreach (var maxMessages in new[] { 1, 10 })
        {
            if (context.RabbitMq is not { } broker)
            {
                context.Record(ScenarioResult.Skip(SystemKind.Peer, RabbitMqHttpPublish.System, Work.ReceiveAuto, maxMessages, "", context.RabbitMqSkipped));
                continue;
            }
            using var rabbit = new RabbitMqHttp(broker.CreateManagementClient());
            var queue = BenchContext.UniqueName("get-");
            var body = Payload.Body(options.MessageSize);
            await rabbit.DeclareQueueAsync(queue, cancellationToken);
            try
            {
                var load = await LoadRunner.DrainRoundsAsync(options.Concurrency, options.Duration, options.Backlog,
                    (count, ct) => LoadRunner.ForEachAsync(count, 16, (_, token) => rabbit.PublishAsync(queue, body, token), ct),
                    (_, ct) => rabbit.GetAsync(queue, maxMessages, ct),
                    null, cancellationToken);
                context.Record(ScenarioResult.From(SystemKind.Peer, RabbitMqHttpPublish.System, Work.ReceiveAuto, maxMessages, "", load));
            }
            finally
            {
                await rabbit.DeleteQueueAsync(queue, CancellationToken.None);
            }
        }
    }
}
