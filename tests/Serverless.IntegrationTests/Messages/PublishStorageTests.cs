using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Serverless.Messages;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Messages;

/// <summary>Publish paths that meet rows already there: a sequence another message holds, a dedup row whose window
/// passed and that the pruner removes at the same moment.</summary>
public sealed class PublishStorageTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    // Issue 8, item 4: on a conflict the old append asked only whether a row with that sequence existed, and answered
    // enqueued for a message that was not stored.
    [Fact]
    public async Task A_message_drawing_a_sequence_another_message_holds_is_stored_under_a_new_one()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var queue = EngineCalls.NewQueueName("collision");
        await engine.DeclareAsync(queue);
        var definition = await engine.Get<QueueDirectory>().GetQueueAsync(EngineCalls.Vhost, queue);
        var partition = definition.Partition(0);
        var store = engine.Get<IMessageStore>();
        var sequence = engine.Get<SequenceGenerator>().Next();

        var first = await store.AppendAsync(partition, [Message(sequence, "a")], refuseOverflow: false);
        var second = await store.AppendAsync(partition, [Message(sequence, "b")], refuseOverflow: false);

        Assert.Equal(AppendStatus.Enqueued, first.Statuses.Single());
        Assert.Equal(AppendStatus.Enqueued, second.Statuses.Single());
        var received = await engine.ReceiveAsync(queue, maxMessages: 10);
        Assert.Equal(["a", "b"], received.Select(m => m.MessageId).Order().ToList());
    }

    // Issue 8, item 5: a dedup row whose window passed is replaced under its ETag; when the pruner deleted it between
    // the read and the replace, the 404 escaped as a 500 after part of the batch had committed.
    [Fact]
    public async Task Publishing_an_id_whose_expired_dedup_row_is_pruned_meanwhile_stores_the_message()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var pruneFirst = new DeleteDedupRowBeforeItsReplace(new TableClient(regions.Primary.ConnectionString, "Messages"));
        await using var engine = await EngineHost.StartAsync(regions, clock, settings: null, pruneFirst);
        var queue = EngineCalls.NewQueueName("dedup-race");
        await engine.DeclareAsync(queue, new QueueArguments { DeduplicationWindowSeconds = 1 });
        Assert.Equal(PublishStatus.Enqueued, (await engine.PublishAsync(queue, new PublishMessage { Body = "1", MessageId = "x" })).Results.Single().Status);
        clock.Advance(TimeSpan.FromSeconds(2));

        var again = await engine.PublishAsync(queue, new PublishMessage { Body = "2", MessageId = "x" }, new PublishMessage { Body = "3", MessageId = "y" });

        Assert.True(pruneFirst.Deleted, "the race was not staged");
        Assert.All(again.Results, r => Assert.Equal(PublishStatus.Enqueued, r.Status));
        Assert.Equal(3, (await engine.CountsAsync(queue)).Total);
        // The new window holds: the id is a duplicate again.
        Assert.Equal(PublishStatus.Duplicate, (await engine.PublishAsync(queue, new PublishMessage { Body = "4", MessageId = "x" })).Results.Single().Status);
    }

    private static MessageToStore Message(string sequence, string id) => new(
        sequence,
        new MessageContent { MessageId = id, Body = Encoding.UTF8.GetBytes(id), EnqueuedAt = DateTimeOffset.UtcNow },
        PriorityRank: 9, ExpiresAt: null, VisibleAt: null, DeduplicateUntil: null);

    /// <summary>Stages the pruner's race: deletes a dedup row just before the transaction that replaces it under its ETag is sent.</summary>
    private sealed class DeleteDedupRowBeforeItsReplace(TableClient table) : HttpPipelineSynchronousPolicy
    {
        public bool Deleted { get; private set; }

        public override void OnSendingRequest(HttpMessage message)
        {
            if (Deleted || message.Request.Content is null || !message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal)) return;
            using var buffer = new MemoryStream();
            message.Request.Content.WriteTo(buffer, CancellationToken.None);
            var body = Encoding.UTF8.GetString(buffer.ToArray());
            if (!body.Contains("If-Match: W/", StringComparison.Ordinal)) return;
            var row = System.Text.RegularExpressions.Regex.Match(body, @"PartitionKey='(?<pk>[^']*)',RowKey='(?<rk>d%3A[^']*)'");
            if (!row.Success) return;
            table.DeleteEntity(Uri.UnescapeDataString(row.Groups["pk"].Value), Uri.UnescapeDataString(row.Groups["rk"].Value));
            Deleted = true;
        }
    }
}
