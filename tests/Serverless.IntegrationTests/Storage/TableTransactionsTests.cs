using Azure;
using Azure.Data.Tables;
using Serverless.Storage.Tables;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Storage;

/// <summary>The item whose action failed is told which of its own actions it was, whatever was left out of the
/// transaction around it: its retry rule depends on it (an anchor, a dedup row, a sequence marker).</summary>
public sealed class TableTransactionsTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task A_failed_action_is_named_by_its_index_among_its_items_actions_when_a_gone_delete_before_it_was_left_out()
    {
        var table = new TableClient(regions.Primary.ConnectionString, $"tx{Guid.NewGuid():N}");
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("p", "taken"));
        var reported = new List<int>();

        var givenUp = await TableTransactions.SubmitAsync(table, ["item"],
            _ => [new(TableTransactionActionType.Delete, new TableEntity("p", "absent"), ETag.All), new(TableTransactionActionType.Add, new TableEntity("p", "taken"))],
            (_, failure, action) =>
            {
                reported.Add(action);
                return ValueTask.FromResult(false);
            },
            mayBeGone: _ => true);

        Assert.Equal([1], reported);
        Assert.Equal(409, givenUp.Single().Failure.Status);
        await table.DeleteAsync();
    }
}
