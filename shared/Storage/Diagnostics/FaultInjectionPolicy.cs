using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Serverless.Storage.Diagnostics;

/// <summary>Injects the storage faults that Azure produces and Azurite never does, so tests can show what the
/// engine does with them. A test hook: disarmed unless a test arms it, by the methods here (engine in the
/// test's process) or by <c>Diagnostics:Faults</c> (<see cref="FaultInjectionOptions"/>, service in its own
/// process). Faults on entity group transactions count <c>$batch</c> requests from 1, from the moment they
/// are armed (the events table's are not counted nor failed); the SDK's retries of one transaction keep its number.
/// <list type="bullet">
/// <item>Fail: every attempt of the transaction is answered 503 ServerBusy without being sent, so nothing of
/// it commits; the SDK retries, gives up and raises <see cref="Azure.RequestFailedException"/> 503 ServerBusy.</item>
/// <item>Timeout after commit: the first attempt is sent and commits, then its answer is lost as in a network
/// timeout (<see cref="TaskCanceledException"/>, which the SDK retries); the SDK sends the same transaction
/// again, to a store that already holds it.</item>
/// <item>Hang: requests to the given endpoints get no answer until their network timeout (then the SDK
/// retries, as for a hung region) or the caller's cancellation.</item>
/// </list>
/// Sits at <see cref="HttpPipelinePosition.PerRetry"/>, so it sees each attempt.</summary>
public sealed class FaultInjectionPolicy : HttpPipelinePolicy
{
    private const string TransactionNumberProperty = "Serverless.Diagnostics.TransactionNumber";
    private const string TimedOutProperty = "Serverless.Diagnostics.TimedOut";

    private readonly TimeSpan networkTimeout;
    private readonly ILogger logger;
    // Built on first use: a service that never refuses or fails a request never needs it.
    private readonly Lazy<SimulatedStorageAnswers> answers = new(() => new SimulatedStorageAnswers());
    private volatile FaultPlan plan = FaultPlan.None;
    private int transactions;
    private int injected;

    public FaultInjectionPolicy(IOptions<FaultInjectionOptions> options, IOptions<StorageClientOptions> storage, ILogger<FaultInjectionPolicy>? logger = null)
        : this(storage.Value.NetworkTimeout, logger)
    {
        var faults = options.Value;
        // The options validator has accepted these at start-up.
        FaultInjectionOptions.TryParseNumbers(faults.FailTransactionNumbers, out var fail);
        FaultInjectionOptions.TryParseNumbers(faults.TimeoutAfterCommitTransactionNumbers, out var timeoutAfterCommit);
        FaultInjectionOptions.TryParseEndpoints(faults.HangEndpoints, out var hang);
        if (fail.Length > 0 || timeoutAfterCommit.Length > 0) ArmTransactionFaults(fail, timeoutAfterCommit);
        if (hang.Length > 0) HangRequestsTo(hang);
    }

    /// <param name="networkTimeout">How long a hung request waits before it times out, as the clients'
    /// <see cref="StorageClientOptions.NetworkTimeout"/> would end it.</param>
    /// <param name="logger">Where injected faults are reported; none by default.</param>
    public FaultInjectionPolicy(TimeSpan networkTimeout, ILogger<FaultInjectionPolicy>? logger = null)
    {
        this.networkTimeout = networkTimeout;
        this.logger = logger ?? NullLogger<FaultInjectionPolicy>.Instance;
    }

    /// <summary>Transactions seen since the transaction faults were last armed.</summary>
    public int TransactionsSeen => Volatile.Read(ref transactions);

    /// <summary>Faults injected since start: each failed or timed-out attempt and each hang counts once.</summary>
    public int FaultsInjected => Volatile.Read(ref injected);

    /// <summary>Arms faults on the transactions with these numbers, counting from 1 again with the next
    /// transaction. Replaces the transaction faults armed before; leaves hangs as they are.</summary>
    public void ArmTransactionFaults(IEnumerable<int>? fail = null, IEnumerable<int>? timeoutAfterCommit = null)
    {
        Interlocked.Exchange(ref transactions, 0);
        plan = plan with { Fail = new HashSet<int>(fail ?? []), TimeoutAfterCommit = new HashSet<int>(timeoutAfterCommit ?? []) };
    }

    /// <summary>Every request to these endpoints (scheme, host and port) hangs; with none, every request does.</summary>
    public void HangRequestsTo(params Uri[] endpoints) =>
        plan = plan with { Hang = endpoints.Length == 0 ? FaultPlan.Everywhere : new HashSet<string>(endpoints.Select(Authority)) };

    /// <summary>Stops every fault.</summary>
    public void Disarm() => plan = FaultPlan.None;

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var current = plan;
        if (current.Hangs(message.Request))
        {
            Interlocked.Increment(ref injected);
            await Task.Delay(networkTimeout, message.CancellationToken);
            throw NetworkTimeout();
        }
        switch (FaultOf(current, message))
        {
            case Fault.Fail:
                message.Response = await answers.Value.DeliverAsync(ServerBusy(), message.CancellationToken);
                return;
            case Fault.TimeoutAfterCommit:
                await ProcessNextAsync(message, pipeline);
                throw AnswerLost(message);
            default:
                await ProcessNextAsync(message, pipeline);
                return;
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var current = plan;
        if (current.Hangs(message.Request))
        {
            Interlocked.Increment(ref injected);
            message.CancellationToken.WaitHandle.WaitOne(networkTimeout);
            message.CancellationToken.ThrowIfCancellationRequested();
            throw NetworkTimeout();
        }
        switch (FaultOf(current, message))
        {
            case Fault.Fail:
                message.Response = answers.Value.Deliver(ServerBusy(), message.CancellationToken);
                return;
            case Fault.TimeoutAfterCommit:
                ProcessNext(message, pipeline);
                throw AnswerLost(message);
            default:
                ProcessNext(message, pipeline);
                return;
        }
    }

    private Fault FaultOf(FaultPlan current, HttpMessage message)
    {
        // The events log's transactions land whenever its background writer gets to them: numbering them would make
        // the engine's numbers depend on timing.
        if (!current.HasTransactionFaults || !TableBatchRequest.IsBatch(message.Request) || Events.TableEventStore.IsEventsRequest(message)) return Fault.None;
        if (!message.TryGetProperty(TransactionNumberProperty, out var stored) || stored is not int number)
        {
            number = Interlocked.Increment(ref transactions);
            message.SetProperty(TransactionNumberProperty, number);
        }
        if (current.Fail.Contains(number))
        {
            Interlocked.Increment(ref injected);
            logger.LogWarning("Failing transaction {Number} with 503 ServerBusy (fault injection).", number);
            return Fault.Fail;
        }
        if (current.TimeoutAfterCommit.Contains(number) && !message.TryGetProperty(TimedOutProperty, out _))
        {
            message.SetProperty(TimedOutProperty, true);
            Interlocked.Increment(ref injected);
            logger.LogWarning("Losing the answer to transaction {Number} after it is sent (fault injection).", number);
            return Fault.TimeoutAfterCommit;
        }
        return Fault.None;
    }

    private static HttpResponseMessage ServerBusy() =>
        SimulatedStorageAnswers.RequestFailure(HttpStatusCode.ServiceUnavailable, "ServerBusy", "The server is busy.");

    private TaskCanceledException AnswerLost(HttpMessage message)
    {
        // The service answered; the caller never hears it.
        message.Response.Dispose();
        return NetworkTimeout();
    }

    // What Azure.Core raises when a request outlives ClientOptions.Retry.NetworkTimeout: its retry policy resends on it.
    private TaskCanceledException NetworkTimeout() =>
        new($"The operation was cancelled because it exceeded the configured timeout of {networkTimeout:g} (fault injection). " +
            "Network timeout can be adjusted in ClientOptions.Retry.NetworkTimeout.");

    private static string Authority(Uri uri) => uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    private enum Fault { None, Fail, TimeoutAfterCommit }

    private sealed record FaultPlan(IReadOnlySet<int> Fail, IReadOnlySet<int> TimeoutAfterCommit, IReadOnlySet<string>? Hang)
    {
        public static readonly FaultPlan None = new(new HashSet<int>(), new HashSet<int>(), null);
        public static readonly IReadOnlySet<string> Everywhere = new HashSet<string>();

        public bool HasTransactionFaults => Fail.Count > 0 || TimeoutAfterCommit.Count > 0;

        public bool Hangs(Request request) =>
            Hang is not null && (ReferenceEquals(Hang, Everywhere) || Hang.Contains(Authority(request.Uri.ToUri())));
    }
}
