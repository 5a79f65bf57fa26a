using System.Globalization;

namespace Serverless.Storage.Diagnostics;

/// <summary>Storage faults injected by <see cref="FaultInjectionPolicy"/>, for tests that run the service in
/// its own process. Bound from <c>Diagnostics:Faults</c>; all empty by default (no fault). A test hook like
/// the storage request counter: never set it in Azure. Entity group transactions (<c>$batch</c> requests,
/// to either region) are numbered from 1 in the order the service sends them, from its start.</summary>
public sealed class FaultInjectionOptions
{
    public const string SectionName = "Diagnostics:Faults";

    /// <summary><c>Diagnostics:Faults:FailTransactionNumbers</c>, e.g. <c>3,5</c>: these transactions are
    /// answered 503 ServerBusy on every attempt, without being sent, so nothing of them commits and the
    /// SDK's retries give up. Default empty.</summary>
    public string FailTransactionNumbers { get; set; } = "";

    /// <summary><c>Diagnostics:Faults:TimeoutAfterCommitTransactionNumbers</c>, e.g. <c>2</c>: these
    /// transactions are sent and committed, then their answer is lost as in a network timeout, so the SDK
    /// sends the same transaction again. Default empty.</summary>
    public string TimeoutAfterCommitTransactionNumbers { get; set; } = "";

    /// <summary><c>Diagnostics:Faults:HangEndpoints</c>, e.g. <c>http://127.0.0.1:10002,http://127.0.0.1:10001</c>:
    /// every request to these endpoints (scheme, host and port) gets no answer until its network timeout or
    /// the caller's cancellation, as from a hung region. Default empty.</summary>
    public string HangEndpoints { get; set; } = "";

    internal static bool TryParseNumbers(string? text, out int[] numbers)
    {
        var parsed = new List<int>();
        foreach (var item in Split(text))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                numbers = [];
                return false;
            }
            parsed.Add(number);
        }
        numbers = [.. parsed];
        return true;
    }

    internal static bool TryParseEndpoints(string? text, out Uri[] endpoints)
    {
        var parsed = new List<Uri>();
        foreach (var item in Split(text))
        {
            if (!Uri.TryCreate(item, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                endpoints = [];
                return false;
            }
            parsed.Add(endpoint);
        }
        endpoints = [.. parsed];
        return true;
    }

    private static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
