using System.Diagnostics;
using System.Globalization;

namespace Serverless.Benchmarks.Load;

/// <summary>Samples a process's resident memory from <c>/proc/&lt;pid&gt;/status</c> (VmRSS now, VmHWM the
/// kernel's own peak) on a timer, until disposed.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly int pid;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly Lock gate = new();
    private readonly List<(TimeSpan At, double RssMb)> samples = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public MemorySampler(int processId, TimeSpan interval)
    {
        pid = processId;
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                do Sample();
                while (await timer.WaitForNextTickAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        });
    }

    /// <summary>The largest resident size seen: the kernel's VmHWM, or the largest sample if that is unreadable.</summary>
    public double PeakMb => Math.Max(ReadKb("VmHWM") / 1024.0, Samples().Select(s => s.RssMb).DefaultIfEmpty(0).Max());

    public double CurrentMb => ReadKb("VmRSS") / 1024.0;

    public IReadOnlyList<(TimeSpan At, double RssMb)> Samples()
    {
        lock (gate) return samples.ToList();
    }

    public void Sample()
    {
        var kb = ReadKb("VmRSS");
        if (kb <= 0) return;
        lock (gate) samples.Add((clock.Elapsed, kb / 1024.0));
    }

    private long ReadKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
                var number = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(number, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // The process has ended.
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}
