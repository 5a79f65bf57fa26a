namespace Serverless.Storage.Diagnostics;

/// <summary>Test hooks of the storage pipeline. Bound from the <c>Diagnostics</c> configuration section;
/// everything here is off by default and stays off in Azure.</summary>
public sealed class DiagnosticsOptions
{
    public const string SectionName = "Diagnostics";

    /// <summary><c>Diagnostics:EnforceAzureTableRules</c>: refuse, without sending it, every entity group
    /// transaction that Azure Table Storage would refuse and that Azurite accepts (operations on more than
    /// one partition, two operations on one entity, more than 100 operations, a body over 4 MiB), answering
    /// as Azure answers (see <see cref="AzureTableRulesPolicy"/>). Default false; every test turns it on, so
    /// a write path that only works on Azurite fails in CI.</summary>
    public bool EnforceAzureTableRules { get; set; }
}
