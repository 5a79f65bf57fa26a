using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Serverless.Storage.Diagnostics;

namespace Serverless.UnitTests.Storage.Diagnostics;

/// <summary>The guard reads each operation's entity from the <c>$batch</c> request the Tables SDK really
/// builds: keys in percent-encoded URLs with quotes doubled, or in an insert's JSON body.</summary>
public sealed class TableBatchRequestTests
{
    // Characters a key may hold that need escaping in a URL, a JSON string or an OData literal.
    private const string AwkwardPartitionKey = "p'k /%27 #?+é&=(x),\u00e9\t";
    private const string AwkwardRowKey = "r''k',RowKey='z')%2F";

    [Fact]
    public async Task Reads_method_and_keys_of_every_kind_of_operation()
    {
        var batch = await CaptureAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity(AwkwardPartitionKey, AwkwardRowKey) { ["X"] = "'" }),
            new(TableTransactionActionType.UpdateReplace, new TableEntity(AwkwardPartitionKey, AwkwardRowKey + "1"), new ETag("W/\"datetime'2026'\"")),
            new(TableTransactionActionType.UpdateMerge, new TableEntity(AwkwardPartitionKey, AwkwardRowKey + "2")),
            new(TableTransactionActionType.UpsertReplace, new TableEntity(AwkwardPartitionKey, AwkwardRowKey + "3")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity(AwkwardPartitionKey, AwkwardRowKey + "4")),
            new(TableTransactionActionType.Delete, new TableEntity(AwkwardPartitionKey, AwkwardRowKey + "5")),
        ]);

        Assert.Equal(
        [
            new TableBatchOperation(0, "POST", AwkwardPartitionKey, AwkwardRowKey),
            new TableBatchOperation(1, "PUT", AwkwardPartitionKey, AwkwardRowKey + "1"),
            new TableBatchOperation(2, "PATCH", AwkwardPartitionKey, AwkwardRowKey + "2"),
            new TableBatchOperation(3, "PUT", AwkwardPartitionKey, AwkwardRowKey + "3"),
            new TableBatchOperation(4, "PATCH", AwkwardPartitionKey, AwkwardRowKey + "4"),
            new TableBatchOperation(5, "DELETE", AwkwardPartitionKey, AwkwardRowKey + "5"),
        ], batch.Operations);
    }

    [Fact]
    public async Task Reads_empty_keys()
    {
        var batch = await CaptureAsync([new(TableTransactionActionType.Add, new TableEntity("", "")), new(TableTransactionActionType.Delete, new TableEntity("", "x"))]);

        Assert.Equal([new TableBatchOperation(0, "POST", "", ""), new TableBatchOperation(1, "DELETE", "", "x")], batch.Operations);
    }

    [Fact]
    public async Task Measures_the_whole_body()
    {
        var small = await CaptureAsync([new(TableTransactionActionType.Add, new TableEntity("p", "a"))]);
        var large = await CaptureAsync([new(TableTransactionActionType.Add, new TableEntity("p", "a") { ["Text"] = new string('x', 100_000) })]);

        Assert.InRange(large.BodyBytes - small.BodyBytes, 100_000, 100_100);
    }

    private static async Task<TableBatchRequest> CaptureAsync(IEnumerable<TableTransactionAction> actions)
    {
        var capture = new CapturePolicy();
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.AddPolicy(capture, HttpPipelinePosition.PerRetry);
        // Nothing listens there: the capture policy ends every request before it is sent.
        var table = new TableClient(new Uri("http://127.0.0.1:9/devstoreaccount1"), "table", new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])), options);
        await Assert.ThrowsAsync<CapturedException>(() => table.SubmitTransactionAsync(actions));
        return capture.Batch!;
    }

    private sealed class CapturePolicy : HttpPipelinePolicy
    {
        public TableBatchRequest? Batch { get; private set; }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Assert.True(TableBatchRequest.IsBatch(message.Request));
            Batch = await TableBatchRequest.ReadAsync(message.Request);
            throw new CapturedException();
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();
    }

    private sealed class CapturedException : Exception;
}
