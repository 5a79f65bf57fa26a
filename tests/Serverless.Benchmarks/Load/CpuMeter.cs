using System.Globalization;

namespace Serverless.Benchmarks.Load;

/// <summary>CPU time spent by named processes (user + system, from <c>/proc/&lt;pid&gt;/stat</c>) and by the whole machine
/// (<c>/proc/stat</c>) between <see cref="Start"/> and <see cref="CpuReading.Stop"/>: where a scenario's time went,
/// measured rather than inferred.</summary>
public sealed class CpuMeter(IReadOnlyDictionary<string, int> processes)
{
    /// <summary>USER_HZ: the unit of both files on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;

    public CpuReading Start() => new(this, ReadProcesses(), ReadMachine());

    internal Dictionary<string, long> ReadProcesses() => processes.ToDictionary(p => p.Key, p => ReadProcessTicks(p.Value));

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
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            return 0; // the process has ended
        }
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
            var perMessage = after.ToDictionary(p => p.Key,
                p => messages > 0 ? Math.Round((p.Value - processTicks[p.Key]) * 1000 / TicksPerSecond / messages, 3) : 0);
            var busyPercent = total > machine.Total ? Math.Round(100.0 * (busy - machine.Busy) / (total - machine.Total), 1) : 0;
            var machineMs = messages > 0 ? Math.Round((busy - machine.Busy) * 1000 / TicksPerSecond / messages, 3) : 0;
            return new CpuUsage(busyPercent, Environment.ProcessorCount, machineMs, perMessage);
        }
    }
}

/// <summary>Where a scenario's CPU went: the machine's busy share over the run (of <see cref="Cores"/> cores), CPU
/// milliseconds per message of the whole machine and of each named process.</summary>
public sealed record CpuUsage(double MachineBusyPercent, int Cores, double MachineMsPerMessage, IReadOnlyDictionary<string, double> MsPerMessage);
