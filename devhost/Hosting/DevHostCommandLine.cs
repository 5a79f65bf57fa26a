namespace Serverless.DevHost.Hosting;

/// <summary>devhost's own switches, turned into configuration keys before the host reads the command line:
/// <c>--app &lt;folder&gt;</c> is <c>DevHost:AppDirectory</c>.</summary>
public static class DevHostCommandLine
{
    public static string[] Expand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var expanded = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--app" && i + 1 < args.Length)
            {
                expanded.Add($"--{DevHostOptions.SectionName}:AppDirectory={args[++i]}");
            }
            else if (args[i].StartsWith("--app=", StringComparison.Ordinal))
            {
                expanded.Add($"--{DevHostOptions.SectionName}:AppDirectory={args[i]["--app=".Length..]}");
            }
            else
            {
                expanded.Add(args[i]);
            }
        }

        return [.. expanded];
    }
}
