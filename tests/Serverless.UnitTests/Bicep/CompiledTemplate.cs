namespace Serverless.UnitTests.Bicep;

/// <summary>bicep/main.bicep compiled once for the structural tests.</summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    private ArmTemplate? template;

    public ArmTemplate Template => template ?? throw new InvalidOperationException("The template was not built.");

    public async Task InitializeAsync()
    {
        var (exitCode, json, diagnostics) = await BicepCli.RunAsync("build", System.IO.Path.Combine(ExternalTool.RepoRoot, "bicep", "main.bicep"), "--stdout");
        if (exitCode != 0 || diagnostics.Length > 0) throw new InvalidOperationException($"bicep build exited {exitCode}:\n{diagnostics}");
        template = ArmTemplate.Parse(json);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
