using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Peer (<c>--peer rabbitmq</c>): persistent publish through RabbitMQ's HTTP management API.</summary>
public sealed class RabbitMqHttpPublish : IScenario
{
    public const string System = "RabbitMQ HTTP API";

    public string Name => "rabbitmq-http-publish";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await context.StopEnvironmentAsync();
        if (context.RabbitMq is not { } broker)
        {
            context.Record(ScenarioResult.Skip(SystemKind.Peer, System, Work.Publish, 1, "", context.RabbitMqSkipped));
            return;
        }
        using var rabbit = new RabbitMqHttp(broker.CreateManagementClient());
        var queue = BenchContext.UniqueName("publish-");
        var body = Payload.Body(context.Options.MessageSize);
        await rabbit.DeclareQueueAsync(queue, cancellationToken);
        try
        {
            var load = await LoadRunner.RunAsync(context.Options.Concurrency, context.Options.Duration,
                (_, ct) => rabbit.PublishAsync(queue, body, ct), null, cancellationToken);
            context.Record(ScenarioResult.From(SystemKind.Peer, System, Work.Publish, 1, "", load));
        }
        finally
        {
            await rabbit.DeleteQueueAsync(queue, CancellationToken.None);
        }
    }
}
