using System.Text;
using RabbitMQ.Client;
using Serverless.Benchmarks.Clients;
using Serverless.Benchmarks.Load;
using Serverless.Benchmarks.Peers;
using Serverless.Benchmarks.Reporting;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>Peer (<c>--peer rabbitmq</c>): AMQP publish of persistent messages to a durable queue with
/// publisher confirms, each task waiting for its confirm before the next publish (one channel per task).</summary>
public sealed class RabbitMqAmqpPublish : IScenario
{
    public const string System = "RabbitMQ AMQP (confirms)";

    public string Name => "rabbitmq-amqp-publish";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await context.StopEnvironmentAsync();
        if (context.RabbitMq is not { } broker)
        {
            context.Record(ScenarioResult.Skip(SystemKind.Peer, System, Work.Publish, 1, "", context.RabbitMqSkipped));
            return;
        }
        var options = context.Options;
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = broker.AmqpPort, UserName = RabbitMqBroker.User, Password = RabbitMqBroker.Password };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var channels = new IChannel[options.Concurrency];
        for (var i = 0; i < channels.Length; i++)
        {
            channels[i] = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        }
        var queue = BenchContext.UniqueName("amqp-");
        await channels[0].QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        var body = Encoding.UTF8.GetBytes(Payload.Body(options.MessageSize));
        var properties = new BasicProperties { Persistent = true };
        try
        {
            var load = await LoadRunner.RunAsync(options.Concurrency, options.Duration, async (worker, ct) =>
            {
                await channels[worker].BasicPublishAsync("", queue, mandatory: false, properties, body, ct);
                return 1;
            }, null, cancellationToken);
            context.Record(ScenarioResult.From(SystemKind.Peer, System, Work.Publish, 1, "", load));
        }
        finally
        {
            await channels[0].QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
            foreach (var channel in channels) await channel.DisposeAsync();
        }
    }
}
