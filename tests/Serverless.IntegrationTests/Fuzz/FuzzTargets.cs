namespace Serverless.IntegrationTests.Fuzz;

/// <summary>What exists in the service for the fuzz to aim at: a name per route parameter that resolves, so that a
/// request can get past the lookups into the validators and the engine, and a live receipt for settle bodies.</summary>
public sealed class FuzzTargets
{
    public const string Vhost = "fuzz-v";
    public const string Queue = "fuzz-q";
    public const string Exchange = "fuzz-x";
    public const string Policy = "fuzz-p";

    public required string AdminKey { get; init; }

    /// <summary>An API key of the vhost <c>default</c> with every permission; made again if a fuzzed delete of the
    /// vhost revoked it.</summary>
    public string VhostKey { get; set; } = "";

    /// <summary>An API key of <c>default</c> whose permissions match no name the fuzz uses: refused with 403.</summary>
    public string NarrowKey { get; set; } = "";

    /// <summary>The binding fuzz-x → fuzz-q; it changes when the binding is made again after a fuzzed delete.</summary>
    public string BindingId { get; set; } = "none";

    /// <summary>A receipt the service issued (possibly stale by the time it is used, which is fine).</summary>
    public string Receipt { get; set; } = "none";

    /// <summary>Names that exist for route parameter <paramref name="parameter"/>.</summary>
    public IReadOnlyList<string> Existing(string parameter) => parameter switch
    {
        "vhost" => ["default", Vhost],
        "queue" => [Queue],
        "exchange" => [Exchange],
        "policy" => [Policy],
        "id" => [BindingId],
        _ => [Queue],
    };
}
