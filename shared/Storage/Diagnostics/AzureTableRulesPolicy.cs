using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Serverless.Storage.Diagnostics;

/// <summary>Makes Azurite refuse the entity group transactions that Azure Table Storage refuses. Azurite
/// commits a batch spanning several partitions, or with two operations on one entity, where Azure commits
/// nothing and answers 400; code that relies on it works locally and fails in Azure. With
/// <c>Diagnostics:EnforceAzureTableRules=true</c> every <c>$batch</c> request is read before it is sent, and
/// one that breaks a rule is answered here as Azure answers it, without being sent:
/// <list type="bullet">
/// <item>operations on more than one PartitionKey: change set error 400 <c>CommandsInBatchActOnDifferentPartitions</c>
/// at the first operation outside the first one's partition;</item>
/// <item>a second operation on one entity (PartitionKey and RowKey): 400 <c>InvalidDuplicateRow</c> at that operation;</item>
/// <item>more than 100 operations: 400 <c>InvalidInput</c> at index 0;</item>
/// <item>a body over 4 MiB: 413 <c>RequestBodyTooLarge</c> for the whole request.</item>
/// </list>
/// The change set errors reach the caller as <see cref="Azure.Data.Tables.TableTransactionFailedException"/>
/// with the status, error code and <c>FailedTransactionActionIndex</c> Azure gives; the 413 as a
/// <see cref="Azure.RequestFailedException"/>. Sits at <see cref="HttpPipelinePosition.PerRetry"/>, where
/// the storage clients add every registered <see cref="HttpPipelinePolicy"/>.</summary>
public sealed class AzureTableRulesPolicy : HttpPipelinePolicy
{
    public const int MaxOperations = 100;
    public const long MaxPayloadBytes = 4L * 1024 * 1024;

    private readonly bool enforced;
    private readonly ILogger logger;
    private readonly SimulatedStorageAnswers answers = new();
    private long refused;

    public AzureTableRulesPolicy(IOptions<DiagnosticsOptions> options, ILogger<AzureTableRulesPolicy>? logger = null)
    {
        enforced = options.Value.EnforceAzureTableRules;
        this.logger = logger ?? NullLogger<AzureTableRulesPolicy>.Instance;
    }

    /// <summary>A guard that enforces the rules, for clients built outside dependency injection.</summary>
    public AzureTableRulesPolicy() : this(Options.Create(new DiagnosticsOptions { EnforceAzureTableRules = true }))
    {
    }

    /// <summary>Transactions refused since start.</summary>
    public long Refused => Interlocked.Read(ref refused);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (enforced && TableBatchRequest.IsBatch(message.Request)
            && Refusal(await TableBatchRequest.ReadAsync(message.Request, message.CancellationToken)) is { } refusal)
        {
            message.Response = await answers.DeliverAsync(refusal, message.CancellationToken);
            return;
        }
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (enforced && TableBatchRequest.IsBatch(message.Request)
            && Refusal(TableBatchRequest.Read(message.Request, message.CancellationToken)) is { } refusal)
        {
            message.Response = answers.Deliver(refusal, message.CancellationToken);
            return;
        }
        ProcessNext(message, pipeline);
    }

    // In the order the service checks: the size of the request before its content, the count before each operation.
    private HttpResponseMessage? Refusal(TableBatchRequest batch)
    {
        if (batch.BodyBytes > MaxPayloadBytes)
        {
            return Refuse(batch, null, HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge",
                "The request body is too large and exceeds the maximum permissible limit.");
        }
        if (batch.Operations.Count > MaxOperations)
        {
            // Azure reports index 0 here, not the first operation over the limit.
            return Refuse(batch, 0, HttpStatusCode.BadRequest, "InvalidInput",
                $"The batch request operation exceeds the maximum {MaxOperations} changes per change set.");
        }
        var entities = new HashSet<(string, string)>();
        foreach (var operation in batch.Operations)
        {
            if (!string.Equals(operation.PartitionKey, batch.Operations[0].PartitionKey, StringComparison.Ordinal))
            {
                return Refuse(batch, operation.Index, HttpStatusCode.BadRequest, "CommandsInBatchActOnDifferentPartitions",
                    "All commands in a batch must operate on same entity group.");
            }
            if (!entities.Add((operation.PartitionKey, operation.RowKey)))
            {
                return Refuse(batch, operation.Index, HttpStatusCode.BadRequest, "InvalidDuplicateRow",
                    "The batch request contains multiple changes with same row key. An entity can appear only once in a batch request.");
            }
        }
        return null;
    }

    /// <returns>A change set error naming the operation at <paramref name="index"/>, or, without one, an error of the whole request.</returns>
    private HttpResponseMessage Refuse(TableBatchRequest batch, int? index, HttpStatusCode status, string code, string message)
    {
        Interlocked.Increment(ref refused);
        // Logged so that a test failing on Azure's rules shows which transaction broke them.
        logger.LogWarning("Refused an entity group transaction as Azure would: {Code} at operation {Index} of {Count} ({Bytes} bytes): {Operations}",
            code, index, batch.Operations.Count, batch.BodyBytes, string.Join("; ", batch.Operations));
        return index is int failed
            ? SimulatedStorageAnswers.ChangeSetFailure(failed, status, code, message)
            : SimulatedStorageAnswers.RequestFailure(status, code, message);
    }
}
