namespace Serverless.DevHost.Worker;

/// <summary>How an invocation ended: <see cref="Succeeded"/>, or the reason it failed.</summary>
public sealed record InvocationOutcome(string InvocationId, bool Succeeded, string? Failure, TimeSpan Duration);
