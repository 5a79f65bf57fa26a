using System.Globalization;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>Tallies of a fuzz run for the test output, and its findings.</summary>
public sealed class FuzzReport
{
    private readonly SortedDictionary<int, int> statuses = [];
    private readonly SortedDictionary<string, int> operations = new(StringComparer.Ordinal);
    private readonly List<string> unavailables = [];
    private TimeSpan slowest;
    private string slowestCase = "";

    public List<string> Findings { get; } = [];

    /// <summary>Refused requests whose counts moved and which were replayed alone to tell noise from a write.</summary>
    public int Replays { get; set; }

    /// <summary>Time spent waiting for answers.</summary>
    public TimeSpan RequestTime { get; private set; }

    public void Record(FuzzRequest request, FuzzAnswer answer)
    {
        RequestTime += answer.Elapsed;
        var status = answer.Response?.Status ?? 0;
        statuses[status] = statuses.GetValueOrDefault(status) + 1;
        var operation = request.Endpoint.ToString();
        operations[operation] = operations.GetValueOrDefault(operation) + 1;
        if (status == 503 && unavailables.Count < 10) unavailables.Add($"{request}: {answer.Response?.Body}");
        if (answer.Elapsed > slowest)
        {
            slowest = answer.Elapsed;
            slowestCase = request.ToString();
        }
    }

    public void Finding(int index, FuzzRequest request, string problem) =>
        Findings.Add($"case {index.ToString(CultureInfo.InvariantCulture)}: {request}: {problem}");

    public IEnumerable<string> Summary()
    {
        yield return "statuses: " + string.Join(", ", statuses.Select(s => $"{(s.Key == 0 ? "none" : s.Key.ToString(CultureInfo.InvariantCulture))}×{s.Value}"));
        yield return $"slowest: {slowest.TotalMilliseconds:F0} ms, {slowestCase}";
        foreach (var unavailable in unavailables) yield return "503: " + unavailable;
        yield return $"replayed alone after a count moved: {Replays}";
        yield return "cases per operation: " + string.Join(", ", operations.Select(o => $"{o.Key}×{o.Value}"));
        foreach (var finding in Findings) yield return "FINDING " + finding;
    }
}
