namespace Serverless.Telemetry;

/// <summary>One queue as the depth sampler last measured it: its messages by state and its replication lag.</summary>
public sealed record QueueSample(string Vhost, string Queue, long Ready, long InFlight, long Delayed, long LagMessages, double LagSeconds);
