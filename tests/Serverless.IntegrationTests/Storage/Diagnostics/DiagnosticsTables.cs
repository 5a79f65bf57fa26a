using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Serverless.DevHost.Local;

namespace Serverless.IntegrationTests.Storage.Diagnostics;

/// <summary>Fresh tables on an Azurite region, reached through the given pipeline policies at the position
/// the service's clients put them, with the service's retry settings made quick.</summary>
internal static class DiagnosticsTables
{
    public static async Task<TableClient> CreateAsync(AzuriteProcess region, params HttpPipelinePolicy[] policies) =>
        await CreateAsync(region, maxRetries: 2, policies);

    public static async Task<TableClient> CreateAsync(AzuriteProcess region, int maxRetries, params HttpPipelinePolicy[] policies)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        foreach (var policy in policies) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        var table = new TableServiceClient(region.ConnectionString, options).GetTableClient($"t{Guid.NewGuid():N}");
        await table.CreateAsync();
        return table;
    }

    public static async Task<List<string>> RowKeysAsync(TableClient table)
    {
        var keys = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(select: ["RowKey"])) keys.Add(entity.RowKey);
        return keys;
    }

    public static TableTransactionAction Add(string partitionKey, string rowKey) =>
        new(TableTransactionActionType.Add, new TableEntity(partitionKey, rowKey) { ["Value"] = rowKey });
}
