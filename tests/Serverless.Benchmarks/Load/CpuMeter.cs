using System.Globalization;

namespace Serverless.Benchmarks.Load;

/// <summary>CPU time spent by named processes (user + system, from <c>/proc/&lt;pid&gt;/stat</c>) and by the whole machine
/// (<c>/proc/stat</c>) between <see cref="Start"/> and <see cref="CpuReading.Stop"/>: where a scenario's time went,
/// measured rather than inferred.</summary>
public sealed class CpuMeter(IReadOnlyDictionary<string, int> processes, IReadOnlyDictionary<string, int>? jitOf = null)
{
    /// <summary>The thread name (15 characters, as the kernel keeps it) of .NET's background tiered compilation.</summary>
    private const string JitThread = ".NET Tiered Com";

    /// <summary>USER_HZ: the unit of both files on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;

    public CpuReading Start() => new(this, ReadProcesses(), ReadMachine());

    /// <summary>Per process, and for each process in <c>jitOf</c> its JIT thread as "{name} JIT" (already counted in the process).</summary>
    internal Dictionary<string, long> ReadProcesses()
    {
        var ticks = processes.ToDictionary(p => p.Key, p => ReadProcessTicks(p.Value));
        foreach (var (name, pid) in jitOf ?? new Dictionary<string, int>())
        {
            foreach (var (tid, threadTicks) in ReadJitThreads(pid)) ticks[$"{name} JIT#{tid}"] = threadTicks;
        }
        return ticks;
    }

    /// <summary>The JIT threads' CPU ticks by thread: the runtime ends an idle JIT thread and starts another later, so a
    /// sum over the threads alive now could go down; deltas are taken per thread.</summary>
    public Dictionary<string, long> ReadJit() =>
        (jitOf ?? new Dictionary<string, int>()).SelectMany(p => ReadJitThreads(p.Value).Select(t => (Key: $"{p.Key}#{t.Key}", t.Value)))
            .ToDictionary(t => t.Key, t => t.Value);

    /// <summary>CPU milliseconds the JIT threads used between two <see cref="ReadJit"/> readings.</summary>
    public static double JitMillisecondsBetween(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Sum(t => t.Value - before.GetValueOrDefault(t.Key)) * 1000 / TicksPerSecond;

    private static Dictionary<string, long> ReadJitThreads(int pid)
    {
        var threads = new Dictionary<string, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != JitThread) continue;
                    threads[Path.GetFileName(task)] = Ticks(File.ReadAllText(Path.Combine(task, "stat")));
                }
                catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
                {
                    // That thread has ended.
                }
            }
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            // The process has ended.
        }
        return threads;
    }

    internal static (long Busy, long Total) ReadMachine()
    {
        // "cpu  user nice system idle iowait irq softirq steal ...": idle and iowait are the idle part.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }

    private static long ReadProcessTicks(int pid)
    {
        try
        {
            return Ticks(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            return 0; // the process has ended
        }
    }

    /// <summary>utime + stime of a <c>stat</c> line. The command name (field 2) may hold spaces: fields are counted from
    /// its closing parenthesis.</summary>
    private static long Ticks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    public sealed class CpuReading
    {
        private readonly CpuMeter meter;
        private readonly Dictionary<string, long> processTicks;
        private readonly (long Busy, long Total) machine;

        internal CpuReading(CpuMeter meter, Dictionary<string, long> processTicks, (long Busy, long Total) machine) =>
            (this.meter, this.processTicks, this.machine) = (meter, processTicks, machine);

        /// <summary>CPU milliseconds per message by process, and how busy the machine was, over <paramref name="messages"/>.</summary>
        public CpuUsage Stop(long messages)
        {
            var after = meter.ReadProcesses();
            var (busy, total) = ReadMachine();
            // A JIT thread is keyed "{process} JIT#{tid}": one that started meanwhile counts from zero.
            var spent = after.Select(p => (Name: p.Key.Split('#')[0], Ticks: p.Value - processTicks.GetValueOrDefault(p.Key)))
                .GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Sum(p => p.Ticks));
            var perMessage = spent.ToDictionary(p => p.Key,
                p => messages > 0 ? Math.Round(p.Value * 1000 / TicksPerSecond / messages, 3) : 0);
            var busyPercent = total > machine.Total ? Math.Round(100.0 * (busy - machine.Busy) / (total - machine.Total), 1) : 0;
            var machineMs = messages > 0 ? Math.Round((busy - machine.Busy) * 1000 / TicksPerSecond / messages, 3) : 0;
            return new CpuUsage(busyPercent, Environment.ProcessorCount, machineMs, perMessage);
        }
    }
}

/// <summary>Where a scenario's CPU went: the machine's busy share over the run (of <see cref="Cores"/> cores), CPU
/// milliseconds per message of the whole machine and of each named process.</summary>
public sealed record CpuUsage(double MachineBusyPercent, int Cores, double MachineMsPerMessage, IReadOnlyDictionary<string, double> MsPerMessage);
