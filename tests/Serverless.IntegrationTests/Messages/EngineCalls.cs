using Serverless.Messages;
using Serverless.Queues;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Messages;

/// <summary>The engine's services called in-process (over real Azurite regions), for tests that look below HTTP:
/// counting storage requests, injecting storage faults, reading what the store holds.</summary>
internal static class EngineCalls
{
    public const string Vhost = "default";

    public static Task<(QueueInfo Queue, bool Created)> DeclareAsync(this EngineHost engine, string queue, QueueArguments? arguments = null) =>
        engine.Get<QueueService>().DeclareAsync(Vhost, queue, arguments ?? QueueArguments.None);

    public static Task<PublishResponse> PublishAsync(this EngineHost engine, string queue, params PublishMessage[] messages) =>
        engine.Get<Publisher>().PublishToQueueAsync(Vhost, queue, messages);

    public static Task<PublishResponse> PublishBodiesAsync(this EngineHost engine, string queue, int count, string? idPrefix = null, int? delaySeconds = null) =>
        engine.PublishAsync(queue, [.. Enumerable.Range(0, count).Select(i => new PublishMessage
        {
            Body = $"m{i}",
            MessageId = idPrefix is null ? null : $"{idPrefix}{i}",
            DelaySeconds = delaySeconds,
        })]);

    public static async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(this EngineHost engine, string queue, int maxMessages = 1, int visibilitySeconds = 60, AckMode? ackMode = null) =>
        (await engine.Get<Receiver>().ReceiveAsync(Vhost, queue, new ReceiveRequest { MaxMessages = maxMessages, VisibilityTimeoutSeconds = visibilitySeconds, AckMode = ackMode })).Messages;

    public static async Task<ReceiptStatus> AckAsync(this EngineHost engine, string queue, string receipt) =>
        (await engine.Get<Settlement>().AckAsync(Vhost, queue, new AckRequest { Receipts = [receipt] })).Results.Single().Status;

    public static async Task<ReceiptStatus> NackAsync(this EngineHost engine, string queue, string receipt, bool requeue = true, int? delaySeconds = null) =>
        (await engine.Get<Settlement>().NackAsync(Vhost, queue, new NackRequest { Receipts = [receipt], Requeue = requeue, DelaySeconds = delaySeconds })).Results.Single().Status;

    public static async Task<ReceiptResult> ExtendAsync(this EngineHost engine, string queue, string receipt, int visibilitySeconds) =>
        (await engine.Get<Settlement>().ExtendAsync(Vhost, queue, new ExtendRequest { Receipts = [receipt], VisibilityTimeoutSeconds = visibilitySeconds })).Results.Single();

    public static async Task<MessageCounts> CountsAsync(this EngineHost engine, string queue) =>
        (await engine.Get<QueueService>().GetAsync(Vhost, queue)).Messages;

    public static string NewQueueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Definitions cached for the whole test and shipped change rows deleted only when the test flushes them, so
    /// counted requests are the operation's alone.</summary>
    public static readonly KeyValuePair<string, string?>[] LongCache =
        [new("Engine:DefinitionCacheTtl", "00:01:00"), new("Replication:CleanOutboxEvery", "01:00:00")];
}
