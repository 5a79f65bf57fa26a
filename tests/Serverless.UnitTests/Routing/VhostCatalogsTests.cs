using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Errors;
using Serverless.Routing;
using Serverless.UnitTests.Fakes;

namespace Serverless.UnitTests.Routing;

public sealed class VhostCatalogsTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private const int ReadsPerLoad = 3; // exchanges, bindings, policies
    private readonly InMemoryMetadataStore store = new();
    private readonly FakeTimeProvider time = new();
    private readonly VhostCatalogs catalogs;

    public VhostCatalogsTests() => catalogs = new VhostCatalogs(store, time, Options.Create(new EngineOptions { DefinitionCacheTtl = Ttl }));

    // issue 8, item 14: a long-poll client that disconnects mid-load must not poison the vhost's catalog
    // for everyone else (its cancelled load was cached for the TTL: 500s for every request).
    [Fact]
    public async Task A_load_whose_caller_stopped_waiting_completes_for_the_others_and_is_not_cached_cancelled()
    {
        store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var disconnecting = new CancellationTokenSource();
        var abandoned = catalogs.GetAsync("v", disconnecting.Token);
        await disconnecting.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        var other = catalogs.GetAsync("v");
        store.Gate.SetResult();

        Assert.Empty((await other).Exchanges);
        Assert.Equal(ReadsPerLoad, store.Reads); // one load served both callers
    }

    [Fact]
    public async Task A_failed_load_is_not_cached()
    {
        store.FailNextRead = new UnavailableException("storage down", TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<UnavailableException>(() => catalogs.GetAsync("v"));

        Assert.Empty((await catalogs.GetAsync("v")).Bindings);
    }

    [Fact]
    public async Task A_catalog_is_read_once_per_ttl_and_forgotten_at_once()
    {
        await catalogs.GetAsync("v");
        time.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        await catalogs.GetAsync("v");
        Assert.Equal(ReadsPerLoad, store.Reads);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await catalogs.GetAsync("v");
        Assert.Equal(2 * ReadsPerLoad, store.Reads);

        catalogs.Forget("v");
        await catalogs.GetAsync("v");
        Assert.Equal(3 * ReadsPerLoad, store.Reads);
    }

    [Fact]
    public async Task A_change_made_through_this_instance_is_seen_at_once()
    {
        await catalogs.GetAsync("v");
        await store.AddRecordAsync(VhostCatalog.ExchangeKind, "v", "x", new ExchangeRecord("x", ExchangeType.Fanout, null, DateTimeOffset.UnixEpoch));
        catalogs.Forget("v");

        Assert.Contains("x", (await catalogs.GetAsync("v")).Exchanges.Keys);
    }

    public void Dispose() => catalogs.Dispose();
}
