using System.Globalization;

namespace Serverless.DevHost.Local;

/// <summary>Reads another process's command line (Linux <c>/proc/&lt;pid&gt;/cmdline</c>), to tell whether a
/// recorded PID is still one of our children or has been reused by an unrelated process.</summary>
public static class ProcessCommandLine
{
    /// <summary>The arguments of process <paramref name="pid"/>; empty when it does not exist, is a zombie, or
    /// cannot be read.</summary>
    public static IReadOnlyList<string> Read(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
