namespace Serverless.DevHost.Functions;

/// <summary>The trigger binding types devhost runs.</summary>
public static class TriggerTypes
{
    public const string Http = "httpTrigger";
    public const string Timer = "timerTrigger";
    public const string Queue = "queueTrigger";
}
