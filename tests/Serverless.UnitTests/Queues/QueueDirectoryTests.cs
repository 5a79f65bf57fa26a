using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Errors;
using Serverless.Queues;
using Serverless.Routing;
using Serverless.Storage;
using Serverless.UnitTests.Fakes;

namespace Serverless.UnitTests.Queues;

/// <summary>issue 8, item 14: queue and vhost definitions cached per instance for
/// <c>Engine:DefinitionCacheTtl</c>; a change made through this instance is seen at once.</summary>
public sealed class QueueDirectoryTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private readonly InMemoryMetadataStore store = new();
    private readonly FakeTimeProvider time = new();
    private readonly VhostCatalogs catalogs;
    private readonly QueueDirectory directory;

    public QueueDirectoryTests()
    {
        var options = Options.Create(new EngineOptions { DefinitionCacheTtl = Ttl });
        catalogs = new VhostCatalogs(store, time, options);
        directory = new QueueDirectory(store, catalogs, time, options);
        store.CreateVhostAsync(new VhostRecord("v", DateTimeOffset.UnixEpoch)).GetAwaiter().GetResult();
        store.CreateVhostAsync(new VhostRecord("w", DateTimeOffset.UnixEpoch)).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_definition_is_read_once_per_ttl()
    {
        await DeclareAsync("v", "q");
        await directory.GetQueueAsync("v", "q");
        var reads = store.Reads;
        time.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        await directory.GetQueueAsync("v", "q");
        Assert.Equal(reads, store.Reads);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await directory.GetQueueAsync("v", "q");
        Assert.True(store.Reads > reads);
    }

    [Fact]
    public async Task A_missing_queue_is_remembered_until_forgotten()
    {
        Assert.Null(await directory.FindQueueAsync("v", "q"));
        await DeclareAsync("v", "q");
        Assert.Null(await directory.FindQueueAsync("v", "q"));

        directory.Forget("v", "q");
        Assert.NotNull(await directory.FindQueueAsync("v", "q"));
    }

    [Fact]
    public async Task Forgetting_the_queues_of_a_vhost_leaves_other_vhosts_cached()
    {
        await DeclareAsync("v", "q");
        await DeclareAsync("w", "q");
        await directory.GetQueueAsync("v", "q");
        await directory.GetQueueAsync("w", "q");
        await store.DeleteQueueAsync("v", "q");
        await store.DeleteQueueAsync("w", "q");

        directory.ForgetQueues("v");

        Assert.Null(await directory.FindQueueAsync("v", "q"));
        Assert.NotNull(await directory.FindQueueAsync("w", "q"));
    }

    [Fact]
    public async Task A_vhost_that_does_not_exist_is_not_remembered()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => directory.EnsureVhostAsync("new"));
        await store.CreateVhostAsync(new VhostRecord("new", DateTimeOffset.UnixEpoch));
        await directory.EnsureVhostAsync("new");
    }

    [Fact]
    public async Task A_deleted_vhost_is_forgotten_at_once()
    {
        await directory.EnsureVhostAsync("v");
        await store.DeleteVhostAsync("v");
        await directory.EnsureVhostAsync("v"); // cached

        directory.ForgetVhost("v");
        await Assert.ThrowsAsync<NotFoundException>(() => directory.EnsureVhostAsync("v"));
    }

    // issue 8, item 12: nothing new is made in a vhost being deleted, but the delete still finds its queues.
    [Fact]
    public async Task A_vhost_being_deleted_is_missing_but_its_queues_are_found_until_deleted()
    {
        await DeclareAsync("v", "q");
        await store.MarkVhostDeletingAsync("v", DateTimeOffset.UnixEpoch);
        directory.ForgetVhost("v");

        await Assert.ThrowsAsync<NotFoundException>(() => directory.EnsureVhostAsync("v"));
        Assert.NotNull(await directory.FindQueueAsync("v", "q"));
    }

    [Fact]
    public async Task A_lookup_whose_caller_stopped_waiting_does_not_fail_the_next()
    {
        await DeclareAsync("v", "q");
        store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var disconnecting = new CancellationTokenSource();
        var abandoned = directory.FindQueueAsync("v", "q", disconnecting.Token);
        await disconnecting.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        var other = directory.FindQueueAsync("v", "q");
        store.Gate.SetResult();
        Assert.NotNull(await other);
    }

    private Task DeclareAsync(string vhost, string queue) =>
        store.CreateQueueAsync(new QueueRecord(vhost, queue, QueueArguments.None, DateTimeOffset.UnixEpoch));

    public void Dispose()
    {
        directory.Dispose();
        catalogs.Dispose();
    }
}
