using Serverless.Errors;
using Serverless.Messages;
using Serverless.Policies;
using Serverless.Queues;
using Serverless.Routing;
using Serverless.Storage;
using Serverless.Testing;
using Serverless.Vhosts;

namespace Serverless.IntegrationTests.Storage;

/// <summary>issue 8, item 12: deleting a vhost deletes everything it holds (queues with their messages,
/// exchanges, bindings, policies), and a delete interrupted by a crash is finished, never half-kept.</summary>
public sealed class VhostDeleteTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private static readonly KeyValuePair<string, string?>[] ShortCache = [new("Engine:DefinitionCacheTtl", "00:00:00.200")];

    [Fact]
    public async Task Deleting_a_vhost_deletes_all_it_holds_and_a_recreated_vhost_has_none_of_it()
    {
        await using var engine = await EngineHost.StartAsync(regions, ShortCache);
        var vhosts = engine.Get<VhostService>();
        await vhosts.CreateAsync("doomed");
        await FillAsync(engine, "doomed");

        await vhosts.DeleteAsync("doomed");

        Assert.DoesNotContain(await vhosts.ListAsync(), v => v.Name == "doomed");
        await AssertHoldsNothingAsync(engine, "doomed");
        var (_, created) = await vhosts.CreateAsync("doomed");
        Assert.True(created);
        Assert.Empty(await engine.Get<QueueService>().ListAsync("doomed"));
        Assert.All(await engine.Get<ExchangeService>().ListAsync("doomed"), e => Assert.True(e.BuiltIn));
        Assert.Empty(await engine.Get<BindingService>().ListAsync("doomed", null, null));
        Assert.Empty(await engine.Get<PolicyService>().ListAsync("doomed"));
    }

    [Fact]
    public async Task A_vhost_marked_deleting_is_gone_for_every_purpose_and_the_next_delete_finishes_it()
    {
        await using var engine = await EngineHost.StartAsync(regions, ShortCache);
        var vhosts = engine.Get<VhostService>();
        await CreateFilledVhostWhoseDeleteCrashedAsync(engine, "crashed-delete");

        Assert.DoesNotContain(await vhosts.ListAsync(), v => v.Name == "crashed-delete");
        await Assert.ThrowsAsync<NotFoundException>(() => engine.Get<QueueService>().DeclareAsync("crashed-delete", "late", QueueArguments.None));
        await Assert.ThrowsAsync<NotFoundException>(() => engine.Get<ExchangeService>().DeclareAsync("crashed-delete", "late", new DeclareExchangeRequest { Type = ExchangeType.Topic }));

        await vhosts.DeleteAsync("crashed-delete");

        await AssertHoldsNothingAsync(engine, "crashed-delete");
        await Assert.ThrowsAsync<NotFoundException>(() => vhosts.DeleteAsync("crashed-delete"));
    }

    [Fact]
    public async Task Creating_a_vhost_that_is_marked_deleting_finishes_the_delete_first()
    {
        await using var engine = await EngineHost.StartAsync(regions, ShortCache);
        var vhosts = engine.Get<VhostService>();
        await CreateFilledVhostWhoseDeleteCrashedAsync(engine, "reborn");

        var (_, created) = await vhosts.CreateAsync("reborn");

        Assert.True(created);
        Assert.Contains(await vhosts.ListAsync(), v => v.Name == "reborn");
        Assert.Empty(await engine.Get<QueueService>().ListAsync("reborn"));
        Assert.Empty(await engine.Get<BindingService>().ListAsync("reborn", null, null));
        Assert.Empty(await engine.Get<PolicyService>().ListAsync("reborn"));
        Assert.All(await engine.Get<ExchangeService>().ListAsync("reborn"), e => Assert.True(e.BuiltIn));
    }

    // A delete that crashed right after marking the vhost.
    private static async Task CreateFilledVhostWhoseDeleteCrashedAsync(EngineHost engine, string vhost)
    {
        await engine.Get<VhostService>().CreateAsync(vhost);
        await FillAsync(engine, vhost);
        Assert.True(await engine.Get<IMetadataStore>().MarkVhostDeletingAsync(vhost, DateTimeOffset.UtcNow));
        engine.Get<QueueDirectory>().ForgetVhost(vhost);
    }

    private static async Task FillAsync(EngineHost engine, string vhost)
    {
        var queues = engine.Get<QueueService>();
        var exchanges = engine.Get<ExchangeService>();
        var bindings = engine.Get<BindingService>();
        await queues.DeclareAsync(vhost, "orders", QueueArguments.None);
        await queues.DeclareAsync(vhost, "audit", QueueArguments.None);
        await exchanges.DeclareAsync(vhost, "events", new DeclareExchangeRequest { Type = ExchangeType.Topic });
        await exchanges.DeclareAsync(vhost, "fan", new DeclareExchangeRequest { Type = ExchangeType.Fanout, AlternateExchange = "events" });
        await bindings.CreateAsync(vhost, new CreateBindingRequest { Source = "events", Destination = "orders", RoutingKey = "order.#" });
        await bindings.CreateAsync(vhost, new CreateBindingRequest { Source = "fan", Destination = "events", DestinationType = DestinationType.Exchange });
        await engine.Get<PolicyService>().PutAsync(vhost, "limits", new PutPolicyRequest { Pattern = ".*", Definition = new PolicyDefinition { MaxLength = 100 } });
        var published = await engine.Get<Publisher>().PublishToExchangeAsync(vhost, "events", [new PublishMessage { Body = "held", RoutingKey = "order.created" }]);
        Assert.Equal(PublishStatus.Enqueued, published.Results.Single().Status);
    }

    // Straight from the store, past every cache.
    private static async Task AssertHoldsNothingAsync(EngineHost engine, string vhost)
    {
        var metadata = engine.Get<IMetadataStore>();
        Assert.Null(await metadata.GetVhostAsync(vhost));
        Assert.Empty(await metadata.ListQueuesAsync(vhost));
        Assert.Empty(await metadata.ListRecordsAsync<ExchangeRecord>(VhostCatalog.ExchangeKind, vhost));
        Assert.Empty(await metadata.ListRecordsAsync<BindingRecord>(VhostCatalog.BindingKind, vhost));
        Assert.Empty(await metadata.ListRecordsAsync<PolicyInfo>(VhostCatalog.PolicyKind, vhost));
    }
}
