using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Serverless.Storage;
using Serverless.Storage.Diagnostics;
using Serverless.Testing;
using static Serverless.IntegrationTests.Storage.Diagnostics.DiagnosticsTables;

namespace Serverless.IntegrationTests.Storage.Diagnostics;

/// <summary>The injected faults do what Azure's do, and each test records what the SDK call then raises:
/// the engine's storage code sees exactly this (issue 8, items 1, 7 and 18).</summary>
public sealed class FaultInjectionPolicyTests(AzuriteRegionsFixture regions) : IClassFixture<AzuriteRegionsFixture>
{
    private static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Failing_the_second_transaction_answers_each_attempt_503_ServerBusy_and_stores_nothing_of_it()
    {
        var attempts = new CountingPolicy();
        var faults = new FaultInjectionPolicy(NetworkTimeout);
        var table = await CreateAsync(regions.Primary, attempts, faults);
        faults.ArmTransactionFaults(fail: [2]);

        await table.SubmitTransactionAsync([Add("p", "first-1"), Add("p", "first-2")]);
        attempts.Reset();
        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => table.SubmitTransactionAsync([Add("p", "second-1"), Add("p", "second-2")]));
        var failedAttempts = attempts.Count;
        await table.SubmitTransactionAsync([Add("p", "third-1")]);

        // What the caller sees: a plain RequestFailedException, after the SDK's two retries were refused too.
        Assert.IsType<RequestFailedException>(failure);
        Assert.Equal(503, failure.Status);
        Assert.Equal("ServerBusy", failure.ErrorCode);
        Assert.Equal(3, failedAttempts);
        Assert.Equal(["first-1", "first-2", "third-1"], await RowKeysAsync(table));
        Assert.Equal(3, faults.TransactionsSeen);
    }

    [Fact]
    public async Task Requests_other_than_transactions_are_neither_failed_nor_counted()
    {
        var faults = new FaultInjectionPolicy(NetworkTimeout);
        var table = await CreateAsync(regions.Primary, faults);
        faults.ArmTransactionFaults(fail: [1]);

        await table.AddEntityAsync(new TableEntity("p", "single"));
        await table.UpsertEntityAsync(new TableEntity("p", "single") { ["Value"] = 1 });
        await table.GetEntityAsync<TableEntity>("p", "single");
        await table.DeleteEntityAsync("p", "single");
        var first = await Assert.ThrowsAsync<RequestFailedException>(() => table.SubmitTransactionAsync([Add("p", "batched")]));

        Assert.Equal(503, first.Status);
        Assert.Equal(1, faults.TransactionsSeen);
        Assert.Empty(await RowKeysAsync(table));
    }

    [Fact]
    public async Task An_insert_whose_answer_is_lost_after_commit_is_resent_and_surfaces_as_409_EntityAlreadyExists_at_index_0()
    {
        var attempts = new CountingPolicy();
        var faults = new FaultInjectionPolicy(NetworkTimeout);
        var table = await CreateAsync(regions.Primary, attempts, faults);
        faults.ArmTransactionFaults(timeoutAfterCommit: [1]);
        attempts.Reset();

        var failure = await Assert.ThrowsAsync<TableTransactionFailedException>(() =>
            table.SubmitTransactionAsync([Add("p", "a"), Add("p", "b")]));

        Assert.Equal(409, failure.Status);
        Assert.Equal("EntityAlreadyExists", failure.ErrorCode);
        Assert.Equal(0, failure.FailedTransactionActionIndex);
        Assert.Equal(2, attempts.Count); // the committed attempt and the SDK's resend
        Assert.Equal(["a", "b"], await RowKeysAsync(table));
        Assert.Equal(1, faults.FaultsInjected);
    }

    [Fact]
    public async Task A_conditional_update_and_delete_whose_answer_is_lost_surface_as_412_and_404_at_their_index()
    {
        var faults = new FaultInjectionPolicy(NetworkTimeout);
        var table = await CreateAsync(regions.Primary, faults);
        await table.AddEntityAsync(new TableEntity("p", "updated") { ["Value"] = "old" });
        await table.AddEntityAsync(new TableEntity("p", "deleted"));
        var updated = (await table.GetEntityAsync<TableEntity>("p", "updated")).Value;
        var deleted = (await table.GetEntityAsync<TableEntity>("p", "deleted")).Value;
        faults.ArmTransactionFaults(timeoutAfterCommit: [1, 2]);

        var update = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "upserted")),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "updated") { ["Value"] = "new" }, updated.ETag),
        ]));
        var delete = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Delete, new TableEntity("p", "deleted"), deleted.ETag),
        ]));

        // The unconditional upsert at index 0 succeeds again on the resend; the ETag no longer matches.
        Assert.Equal((412, "UpdateConditionNotSatisfied", 1), (update.Status, update.ErrorCode, update.FailedTransactionActionIndex));
        Assert.Equal((404, "ResourceNotFound", 0), (delete.Status, delete.ErrorCode, delete.FailedTransactionActionIndex));
        Assert.Equal("new", (await table.GetEntityAsync<TableEntity>("p", "updated")).Value.GetString("Value"));
        Assert.Equal(["updated", "upserted"], await RowKeysAsync(table));
    }

    [Fact]
    public async Task An_unconditional_upsert_whose_answer_is_lost_succeeds_on_the_resend()
    {
        var attempts = new CountingPolicy();
        var faults = new FaultInjectionPolicy(NetworkTimeout);
        var table = await CreateAsync(regions.Primary, attempts, faults);
        faults.ArmTransactionFaults(timeoutAfterCommit: [1]);
        attempts.Reset();

        var result = await table.SubmitTransactionAsync([new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "a"))]);

        Assert.Equal(204, result.Value.Single().Status);
        Assert.Equal(2, attempts.Count);
        Assert.Equal(["a"], await RowKeysAsync(table));
    }

    [Fact]
    public async Task Without_SDK_retries_a_lost_answer_surfaces_as_the_network_timeout_though_the_transaction_committed()
    {
        var faults = new FaultInjectionPolicy(NetworkTimeout);
        var table = await CreateAsync(regions.Primary, maxRetries: 0, faults);
        faults.ArmTransactionFaults(timeoutAfterCommit: [1]);

        var failure = await Assert.ThrowsAsync<TaskCanceledException>(() => table.SubmitTransactionAsync([Add("p", "a")]));

        Assert.Contains("timeout", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["a"], await RowKeysAsync(table));
    }

    [Fact]
    public async Task A_hung_region_times_out_each_attempt_while_the_other_region_answers()
    {
        var faults = new FaultInjectionPolicy(TimeSpan.FromMilliseconds(300));
        var hung = await CreateAsync(regions.Primary, faults);
        var healthy = await CreateAsync(regions.Secondary, faults);
        faults.HangRequestsTo(new Uri($"http://127.0.0.1:{regions.Primary.TablePort}"));

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<AggregateException>(() => hung.GetEntityIfExistsAsync<TableEntity>("p", "a"));
        var elapsed = clock.Elapsed;
        await healthy.AddEntityAsync(new TableEntity("p", "a"));

        // The SDK's retry policy collects the three timed-out attempts, as for a real hung region.
        Assert.Equal(3, failure.InnerExceptions.Count);
        Assert.All(failure.InnerExceptions, e => Assert.IsType<TaskCanceledException>(e));
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(900), $"gave up after {elapsed}");
        Assert.Equal(3, faults.FaultsInjected);
    }

    [Fact]
    public async Task A_hung_request_ends_at_the_callers_cancellation_without_retries()
    {
        var faults = new FaultInjectionPolicy(TimeSpan.FromMinutes(1));
        var table = await CreateAsync(regions.Primary, faults);
        faults.HangRequestsTo();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => table.GetEntityIfExistsAsync<TableEntity>("p", "a", cancellationToken: deadline.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"ended after {clock.Elapsed}");
        Assert.Equal(1, faults.FaultsInjected);
        faults.Disarm();
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "a")).HasValue);
    }

    [Fact]
    public async Task Faults_armed_by_configuration_count_from_the_first_transaction()
    {
        var faults = new FaultInjectionPolicy(
            Options.Create(new FaultInjectionOptions { FailTransactionNumbers = "2", TimeoutAfterCommitTransactionNumbers = "1" }),
            Options.Create(new StorageClientOptions()));
        var table = await CreateAsync(regions.Primary, faults);

        var resent = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync([Add("p", "a")]));
        var failed = await Assert.ThrowsAsync<RequestFailedException>(() => table.SubmitTransactionAsync([Add("p", "b")]));
        await table.SubmitTransactionAsync([Add("p", "c")]);

        Assert.Equal(409, resent.Status);
        Assert.Equal(503, failed.Status);
        Assert.Equal(["a", "c"], await RowKeysAsync(table));
    }
}
