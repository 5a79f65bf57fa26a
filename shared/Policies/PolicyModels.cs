using System.Text.RegularExpressions;
using Serverless.Queues;

namespace Serverless.Policies;

public enum PolicyApplyTo { Queues, Exchanges, All }

/// <summary>A policy's definition: any queue argument, and <c>alternateExchange</c> for exchanges.</summary>
public sealed record PolicyDefinition : QueueArguments
{
    public string? AlternateExchange { get; init; }
}

public sealed record PutPolicyRequest
{
    public string? Pattern { get; init; }
    public PolicyApplyTo? ApplyTo { get; init; }
    public int? Priority { get; init; }
    public PolicyDefinition? Definition { get; init; }
}

/// <summary>A policy as stored and shown (<c>rabbitmqctl set_policy</c>).</summary>
public sealed record PolicyInfo(string Name, string Vhost, string Pattern, PolicyApplyTo ApplyTo, int Priority, PolicyDefinition Definition, DateTimeOffset CreatedAt)
{
    /// <summary>When the policy was last set (each <c>PUT</c>): a queue's length limits are counted anew after a change.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    private Regex? regex;

    /// <summary>Whether this policy applies to a queue (or exchange) of this name.</summary>
    public bool AppliesTo(string name, bool isQueue) =>
        (ApplyTo == PolicyApplyTo.All || ApplyTo == (isQueue ? PolicyApplyTo.Queues : PolicyApplyTo.Exchanges))
        && (regex ??= new Regex(Pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))).IsMatch(name);

    /// <summary>Of the policies matching a name, the one with the highest priority (ties: first by name).</summary>
    public static PolicyInfo? Select(IEnumerable<PolicyInfo> policies, string name, bool isQueue) => policies
        .Where(p => p.AppliesTo(name, isQueue))
        .OrderByDescending(p => p.Priority).ThenBy(p => p.Name, StringComparer.Ordinal)
        .FirstOrDefault();
}
