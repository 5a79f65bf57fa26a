using Serverless.Errors;
using Serverless.Messages;

namespace Serverless.Storage;

/// <summary>An append stopped by a storage failure after part of it committed: <see cref="Statuses"/> says what was
/// stored (<see cref="AppendStatus.Enqueued"/>, <see cref="AppendStatus.Duplicate"/>) and what was not (null).</summary>
public sealed class AppendInterruptedException(IReadOnlyList<AppendStatus?> statuses, UnavailableException cause)
    : Exception("A storage failure interrupted an append.", cause)
{
    public IReadOnlyList<AppendStatus?> Statuses { get; } = statuses;
    public UnavailableException Cause { get; } = cause;
}
