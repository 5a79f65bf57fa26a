namespace Serverless.DevHost.Hosting;

/// <summary>Whether devhost's web host has started: until then devhost reports a start-up failure itself, on one
/// line, and the host's own log of it (with its stack trace) is filtered out.</summary>
internal static class HostState
{
    private static volatile bool started;

    public static bool Started
    {
        get => started;
        set => started = value;
    }
}
