using Azure;
using Azure.Data.Tables;
using Serverless.Hosting;
using Serverless.Storage.Diagnostics;
using Serverless.Testing;
using static Serverless.IntegrationTests.Storage.Diagnostics.DiagnosticsTables;

namespace Serverless.IntegrationTests.Storage.Diagnostics;

/// <summary>The engine's storage clients carry both policies: the guard on in every test engine, faults
/// armed by configuration or at run time.</summary>
public sealed class StorageDiagnosticsRegistrationTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    [Fact]
    public async Task A_test_engine_refuses_what_Azure_refuses()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var partition = $"diagnostics-{Guid.NewGuid():N}";

        var refused = await Assert.ThrowsAsync<TableTransactionFailedException>(() =>
            engine.Get<EngineRegions>().Primary.Messages.SubmitTransactionAsync([Add(partition, "a"), Add($"{partition}-other", "b")]));

        Assert.Equal("CommandsInBatchActOnDifferentPartitions", refused.ErrorCode);
        Assert.Equal(1, engine.Get<AzureTableRulesPolicy>().Refused);
    }

    [Fact]
    public async Task The_guard_lets_Azurite_answer_when_configured_off()
    {
        await using var engine = await EngineHost.StartAsync(regions, [new("Diagnostics:EnforceAzureTableRules", "false")]);
        var partition = $"diagnostics-{Guid.NewGuid():N}";

        await engine.Get<EngineRegions>().Primary.Messages.SubmitTransactionAsync([Add(partition, "a"), Add($"{partition}-other", "b")]);

        Assert.Equal(0, engine.Get<AzureTableRulesPolicy>().Refused);
    }

    [Fact]
    public async Task Faults_configured_for_the_engine_reach_its_storage_clients()
    {
        await using var engine = await EngineHost.StartAsync(regions, [new("Diagnostics:Faults:FailTransactionNumbers", "1")]);
        var faults = engine.Get<FaultInjectionPolicy>();

        var failed = await Assert.ThrowsAsync<RequestFailedException>(() =>
            engine.Get<EngineRegions>().Primary.Messages.SubmitTransactionAsync([Add($"diagnostics-{Guid.NewGuid():N}", "a")]));

        Assert.Equal(503, failed.Status);
        Assert.Equal(1, faults.TransactionsSeen);
    }

    [Fact]
    public async Task Faults_armed_at_run_time_reach_the_engines_storage_clients()
    {
        await using var engine = await EngineHost.StartAsync(regions);
        var partition = $"diagnostics-{Guid.NewGuid():N}";
        var messages = engine.Get<EngineRegions>().Primary.Messages;
        engine.Get<FaultInjectionPolicy>().ArmTransactionFaults(timeoutAfterCommit: [1]);

        var resent = await Assert.ThrowsAsync<TableTransactionFailedException>(() => messages.SubmitTransactionAsync([Add(partition, "a")]));

        Assert.Equal((409, "EntityAlreadyExists"), (resent.Status, resent.ErrorCode));
        Assert.True((await messages.GetEntityIfExistsAsync<TableEntity>(partition, "a")).HasValue);
    }

    [Fact]
    public async Task The_service_refuses_to_start_with_a_mistyped_fault()
    {
        var start = ServiceProcess.StartAsync(new ServiceProcessOptions
        {
            RegionConfiguration = regions.RegionConfiguration,
            Environment = new Dictionary<string, string?> { ["Diagnostics:Faults:FailTransactionNumbers"] = "third" },
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => start);

        Assert.Contains("Diagnostics:Faults:FailTransactionNumbers", refused.Message);
    }
}
