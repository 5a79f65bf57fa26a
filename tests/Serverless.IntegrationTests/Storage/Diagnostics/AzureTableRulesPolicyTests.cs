using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Storage.Diagnostics;
using Serverless.Testing;
using static Serverless.IntegrationTests.Storage.Diagnostics.DiagnosticsTables;

namespace Serverless.IntegrationTests.Storage.Diagnostics;

/// <summary>The guard makes Azurite refuse, as Azure does, the entity group transactions Azure refuses
/// (issue 8, "Make Azure's rules fail locally"), and touches nothing else. Each refusal is checked against
/// what the Tables SDK raises for Azure's answer: type, status, error code and failed action index.</summary>
public sealed class AzureTableRulesPolicyTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private static readonly AzureTableRulesPolicy Unenforced = new(Options.Create(new DiagnosticsOptions { EnforceAzureTableRules = false }));

    [Fact]
    public async Task Transaction_over_two_partitions_that_Azurite_commits_is_refused_at_the_first_foreign_operation()
    {
        TableTransactionAction[] actions = [Add("p1", "a"), Add("p1", "b"), Add("p2", "c")];
        var azuriteAlone = await CreateAsync(regions.Primary, Unenforced);
        await azuriteAlone.SubmitTransactionAsync(actions);
        Assert.Equal(3, (await RowKeysAsync(azuriteAlone)).Count);

        var guard = new AzureTableRulesPolicy();
        var table = await CreateAsync(regions.Primary, guard);
        var refused = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(actions));

        Assert.Equal(400, refused.Status);
        Assert.Equal("CommandsInBatchActOnDifferentPartitions", refused.ErrorCode);
        Assert.Equal(2, refused.FailedTransactionActionIndex);
        Assert.Empty(await RowKeysAsync(table));
        Assert.Equal(1, guard.Refused);
    }

    [Fact]
    public async Task Two_operations_on_one_entity_are_refused_at_the_second()
    {
        // Azurite 3.37 refuses this too, with the same status, code and index (keying entities on the two keys
        // joined, so it also refuses ("ab", "c") beside ("a", "bc")); the guard answers first, as Azure would.
        TableTransactionAction[] actions =
        [
            Add("p", "a"),
            Add("p", "b"),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "a") { ["Other"] = 1 }),
        ];
        var guard = new AzureTableRulesPolicy();
        var table = await CreateAsync(regions.Primary, guard);
        var refused = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(actions));

        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidDuplicateRow", refused.ErrorCode);
        Assert.Equal(2, refused.FailedTransactionActionIndex);
        Assert.Empty(await RowKeysAsync(table));
        Assert.Equal(1, guard.Refused);
    }

    [Fact]
    public async Task An_insert_and_a_delete_of_one_entity_are_refused_whatever_characters_its_keys_hold()
    {
        // The insert carries its keys in its JSON body, the delete in its percent-encoded URL with quotes doubled.
        const string partitionKey = "p'k %27 é&=(x),";
        const string rowKey = "r''k',RowKey='z')";
        var table = await CreateAsync(regions.Primary, new AzureTableRulesPolicy());
        await table.AddEntityAsync(new TableEntity(partitionKey, "kept"));

        var refused = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpdateMerge, new TableEntity(partitionKey, "kept") { ["Touched"] = true }),
            Add(partitionKey, rowKey),
            new(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey)),
        ]));

        Assert.Equal("InvalidDuplicateRow", refused.ErrorCode);
        Assert.Equal(2, refused.FailedTransactionActionIndex);
        Assert.Equal(["kept"], await RowKeysAsync(table));
    }

    [Fact]
    public async Task Keys_that_differ_only_in_escaping_are_different_entities_and_pass()
    {
        const string partitionKey = "p'k %27 é&=(x),";
        string[] rowKeys = ["a'b", "a''b", "a%27b", "a%2527b", "a'',RowKey='b", "A'B"];
        var guard = new AzureTableRulesPolicy();
        var table = await CreateAsync(regions.Primary, guard);
        foreach (var rowKey in rowKeys[..3]) await table.AddEntityAsync(new TableEntity(partitionKey, rowKey));

        await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpdateReplace, new TableEntity(partitionKey, rowKeys[0]), ETag.All),
            new(TableTransactionActionType.UpdateMerge, new TableEntity(partitionKey, rowKeys[1])),
            new(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKeys[2])),
            Add(partitionKey, rowKeys[3]),
            new(TableTransactionActionType.UpsertReplace, new TableEntity(partitionKey, rowKeys[4])),
            new(TableTransactionActionType.UpsertMerge, new TableEntity(partitionKey, rowKeys[5])),
        ]);

        Assert.Equal(rowKeys.Except([rowKeys[2]]).Order(StringComparer.Ordinal), (await RowKeysAsync(table)).Order(StringComparer.Ordinal));
        Assert.Equal(0, guard.Refused);
    }

    [Fact]
    public async Task More_than_100_operations_are_refused_at_index_0_and_100_pass()
    {
        // Azurite 3.37 refuses them with a batch answer the SDK cannot read (InvalidOperationException
        // "Expected an HTTP status line"), which the engine would report as a 500.
        var table = await CreateAsync(regions.Primary, new AzureTableRulesPolicy());

        var refused = await Assert.ThrowsAsync<TableTransactionFailedException>(() =>
            table.SubmitTransactionAsync(Enumerable.Range(0, 101).Select(i => Add("p", $"over-{i:D3}"))));
        await table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(i => Add("p", $"at-{i:D3}")));

        Assert.Equal(400, refused.Status);
        Assert.Equal("InvalidInput", refused.ErrorCode);
        Assert.Equal(0, refused.FailedTransactionActionIndex);
        Assert.All(await RowKeysAsync(table), key => Assert.StartsWith("at-", key));
        Assert.Equal(100, (await RowKeysAsync(table)).Count);
    }

    [Fact]
    public async Task A_transaction_over_4_MiB_is_refused_whole_with_413_RequestBodyTooLarge()
    {
        var guard = new AzureTableRulesPolicy();
        var table = await CreateAsync(regions.Primary, guard);
        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => table.SubmitTransactionAsync(OverFourMiB()));

        Assert.IsType<RequestFailedException>(refused); // the whole request, not one change set operation
        Assert.Equal(413, refused.Status);
        Assert.Equal("RequestBodyTooLarge", refused.ErrorCode);
        Assert.Empty(await RowKeysAsync(table));
        Assert.Equal(1, guard.Refused);
    }

    [Theory]
    [InlineData("duplicate entity")]
    [InlineData("over 4 MiB")]
    public async Task Where_Azurite_enforces_a_rule_itself_the_guard_answers_alike(string breach)
    {
        // Azurite 3.37 refuses these, though not a transaction over two partitions: its answers are a second,
        // independent rendering of Azure's, which the guard's must match wherever the SDK shows them.
        Func<IEnumerable<TableTransactionAction>> actions = breach switch
        {
            "duplicate entity" => () => [Add("p", "a"), Add("p", "b"), new(TableTransactionActionType.Delete, new TableEntity("p", "b"))],
            _ => OverFourMiB,
        };
        var guard = new AzureTableRulesPolicy();
        var guarded = await CreateAsync(regions.Primary, guard);
        var azuriteAlone = await CreateAsync(regions.Primary, Unenforced);

        var byGuard = await Assert.ThrowsAnyAsync<RequestFailedException>(() => guarded.SubmitTransactionAsync(actions()));
        var byAzurite = await Assert.ThrowsAnyAsync<RequestFailedException>(() => azuriteAlone.SubmitTransactionAsync(actions()));

        Assert.Equal(Seen(byAzurite), Seen(byGuard));
        Assert.Equal(1, guard.Refused);
    }

    [Fact]
    public async Task A_valid_transaction_commits_as_it_would_without_the_guard()
    {
        var guard = new AzureTableRulesPolicy();
        var table = await CreateAsync(regions.Primary, guard);
        await table.AddEntityAsync(new TableEntity("p", "replace"));
        await table.AddEntityAsync(new TableEntity("p", "delete"));
        var current = (await table.GetEntityAsync<TableEntity>("p", "replace")).Value;

        var result = await table.SubmitTransactionAsync(
        [
            Add("p", "add"),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "replace") { ["Value"] = "new" }, current.ETag),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "merge") { ["Value"] = "merged" }),
            new(TableTransactionActionType.Delete, new TableEntity("p", "delete"), ETag.All),
        ]);

        Assert.Equal([204, 204, 204, 204], result.Value.Select(r => r.Status));
        Assert.Equal(["add", "merge", "replace"], await RowKeysAsync(table));
        Assert.Equal("new", (await table.GetEntityAsync<TableEntity>("p", "replace")).Value.GetString("Value"));
        Assert.Equal(0, guard.Refused);
    }

    [Fact]
    public async Task Single_entity_operations_and_queries_pass_untouched()
    {
        var guard = new AzureTableRulesPolicy();
        var table = await CreateAsync(regions.Primary, guard);

        await table.AddEntityAsync(new TableEntity("p1", "a"));
        await table.AddEntityAsync(new TableEntity("p2", "a"));
        await table.UpsertEntityAsync(new TableEntity("p1", "a") { ["Value"] = 1 });
        await table.UpdateEntityAsync(new TableEntity("p1", "a") { ["Value"] = 2 }, ETag.All, TableUpdateMode.Merge);
        var read = await table.GetEntityAsync<TableEntity>("p1", "a");
        var across = await table.QueryAsync<TableEntity>(e => e.RowKey == "a").ToListAsync();
        await table.DeleteEntityAsync("p2", "a");
        var missing = await table.DeleteEntityAsync("p2", "a");

        Assert.Equal(2, read.Value.GetInt32("Value"));
        Assert.Equal(2, across.Count);
        Assert.Equal(404, missing.Status);
        Assert.Equal(["a"], await RowKeysAsync(table));
        Assert.Equal(0, guard.Refused);
    }

    [Fact]
    public async Task The_synchronous_SDK_call_is_refused_the_same_way()
    {
        var table = await CreateAsync(regions.Primary, new AzureTableRulesPolicy());

        var refused = Assert.Throws<TableTransactionFailedException>(() => table.SubmitTransaction([Add("p1", "a"), Add("p2", "b")]));

        Assert.Equal(400, refused.Status);
        Assert.Equal("CommandsInBatchActOnDifferentPartitions", refused.ErrorCode);
        Assert.Equal(1, refused.FailedTransactionActionIndex);
        Assert.Empty(await RowKeysAsync(table));
    }

    // 50 entities of 3 × 30,000 characters: about 4.5 MB, each entity well under the 1 MiB entity limit.
    private static IEnumerable<TableTransactionAction> OverFourMiB()
    {
        var text = new string('x', 30_000);
        return Enumerable.Range(0, 50).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
            new TableEntity("p", $"big-{i:D2}") { ["A"] = text, ["B"] = text, ["C"] = text }));
    }

    private static (Type, int, string?, int?) Seen(RequestFailedException failure) =>
        (failure.GetType(), failure.Status, failure.ErrorCode, (failure as TableTransactionFailedException)?.FailedTransactionActionIndex);
}
