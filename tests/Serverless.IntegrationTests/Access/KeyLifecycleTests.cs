using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Serverless.IntegrationTests.Functions;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.IntegrationTests.Access;

/// <summary>API keys across two instances of the service on the same regions: revocation takes effect at once
/// where it is made and within <see cref="AccessServiceFixture.KeyCacheSeconds"/> elsewhere; and no secret ever
/// reaches a log, a stored row, an event or an answer.</summary>
[Collection(AccessCollection.Name)]
public sealed class KeyLifecycleTests(AccessServiceFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private ServiceProcess? second;

    public async Task InitializeAsync()
    {
        using var response = await fixture.Admin.PutAsync(ApiClient.VhostPath(AccessServiceFixture.Vhost), null);
    }

    /// <summary>Another instance of the service on the same regions, for the tests that need two.</summary>
    private async Task<ServiceProcess> SecondInstanceAsync() => second ??= await ServiceProcess.StartAsync(new ServiceProcessOptions
    {
        RegionConfiguration = fixture.Regions.RegionConfiguration,
        AdminKey = fixture.Service.AdminKey,
        Environment = fixture.Settings,
    });

    public async Task DisposeAsync()
    {
        if (second is not null) await second.DisposeAsync();
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_where_revoked_and_within_the_cache_bound_on_another_instance()
    {
        var other = await SecondInstanceAsync();
        var (id, key) = await CreateKeyAsync(".*");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(fixture.Service, key));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(other, key));

        await fixture.Admin.DeleteAsync($"api/v1/keys/{id}").ExpectAsync(HttpStatusCode.NoContent);
        var revoked = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(fixture.Service, key));
        while (await StatusAsync(other, key) == HttpStatusCode.OK)
        {
            Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(AccessServiceFixture.KeyCacheSeconds + 2), $"still accepted {revoked.Elapsed.TotalSeconds:F1} s after revocation");
            await Task.Delay(100);
        }
        output.WriteLine($"refused by the other instance {revoked.Elapsed.TotalMilliseconds:F0} ms after revocation (bound {AccessServiceFixture.KeyCacheSeconds} s)");
        var listed = await fixture.Admin.GetAsync("api/v1/keys").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(listed.EnumerateArray(), k => k.Str("id") == id);
    }

    [Fact]
    public async Task A_key_is_replicated_to_the_secondary_store_like_every_definition_and_its_revocation_too()
    {
        var (id, _) = await CreateKeyAsync(".*");
        var secondary = await SecondaryRegionAsync();
        var (partition, row) = Serverless.Storage.Tables.TableMetadataStore.RecordRow(Serverless.Access.ApiKeyService.Kind, Serverless.Access.ApiKeyService.Scope, id);
        async Task<JsonElement?> StoredAsync()
        {
            var stored = (await RowsOfAsync(secondary)).Select(r => JsonDocument.Parse(r).RootElement)
                .FirstOrDefault(r => r.GetProperty("PartitionKey").GetString() == partition && r.GetProperty("RowKey").GetString() == row);
            return stored.ValueKind == JsonValueKind.Undefined ? null : stored;
        }

        Assert.True(await EventuallyAsync(async () => await StoredAsync() is { } stored && stored.TryGetProperty("Data", out _)),
            "the key's record never reached the secondary store");

        await fixture.Admin.DeleteAsync($"api/v1/keys/{id}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.True(await EventuallyAsync(async () => await StoredAsync() is null), "the revoked key's record stayed in the secondary store");
    }

    [Fact]
    public async Task A_key_works_in_the_promoted_region_after_a_planned_failover_and_is_revoked_there()
    {
        var (id, key) = await CreateKeyAsync(".*");
        var before = (await fixture.Admin.GetAsync("api/v1/topology").ExpectAsync(HttpStatusCode.OK)).Str("primary");

        var after = await fixture.Admin.PostJsonAsync("api/v1/topology/failover", new { mode = "planned" }).ExpectAsync(HttpStatusCode.OK);
        try
        {
            Assert.NotEqual(before, after.Str("primary"));
            // Past the cache bound, so that the key is read from the promoted region's store.
            await Task.Delay(TimeSpan.FromSeconds(AccessServiceFixture.KeyCacheSeconds + 1));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(fixture.Service, key));

            await fixture.Admin.DeleteAsync($"api/v1/keys/{id}").ExpectAsync(HttpStatusCode.NoContent);
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(fixture.Service, key));
        }
        finally
        {
            await fixture.Admin.PostJsonAsync("api/v1/topology/failover", new { mode = "planned" }).ExpectAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Keys_are_listed_with_their_permissions_and_without_any_secret()
    {
        var (id, key) = await CreateKeyAsync("^m-orders\\.");

        var listed = (await fixture.Admin.GetAsync($"api/v1/keys?vhost={AccessServiceFixture.Vhost}").ExpectAsync(HttpStatusCode.OK))
            .EnumerateArray().Single(k => k.Str("id") == id);

        Assert.Equal("^m-orders\\.", listed.Str("write"));
        Assert.Equal(AccessServiceFixture.Vhost, listed.Str("vhost"));
        Assert.DoesNotContain(Secret(key), listed.GetRawText(), StringComparison.Ordinal);
        Assert.False(listed.TryGetProperty("key", out _));
    }

    [Fact]
    public async Task Keys_of_a_deleted_vhost_are_revoked_with_it()
    {
        var vhost = $"m-gone-{Guid.NewGuid():N}"[..20];
        await fixture.Admin.PutAsync(ApiClient.VhostPath(vhost), null).ExpectAsync(HttpStatusCode.Created);
        var (_, key) = await fixture.Admin.CreateKeyAsync(vhost, ".*", ".*", ".*");
        await fixture.Admin.DeleteAsync(ApiClient.VhostPath(vhost)).ExpectAsync(HttpStatusCode.NoContent);
        await fixture.Admin.PutAsync(ApiClient.VhostPath(vhost), null).ExpectAsync(HttpStatusCode.Created);

        using var client = Client(fixture.Service, key);
        using var response = await client.GetAsync($"{ApiClient.VhostPath(vhost)}/queues");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Key_creation_names_each_bad_field()
    {
        using var response = await fixture.Admin.PostJsonAsync("api/v1/keys", new { vhost = "no/such", configure = "(", write = (string?)null, read = new string('a', 1025) });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "vhost", "configure", "write", "read");
        await fixture.Admin.PostJsonAsync("api/v1/keys", new { vhost = $"m-none-{Guid.NewGuid():N}"[..20], configure = "", write = "", read = "" })
            .ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task No_secret_reaches_a_log_a_stored_row_an_event_or_an_answer()
    {
        // Create, use (well and badly), and revoke keys through both instances; tokens too. One key stays.
        var other = await SecondInstanceAsync();
        var (keptId, kept) = await CreateKeyAsync("^m-");
        var secrets = new List<string> { fixture.Service.AdminKey, kept };
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (id, key) = await CreateKeyAsync("^m-");
            secrets.Add(key);
            foreach (var service in new[] { fixture.Service, other })
            {
                using var client = Client(service, key);
                var queue = $"m-q-{Guid.NewGuid():N}"[..20];
                answers.Add(await (await client.PutAsync($"{ApiClient.VhostPath(AccessServiceFixture.Vhost)}/queues/{queue}", null)).Content.ReadAsStringAsync());
                answers.Add(await (await client.PutAsync($"{ApiClient.VhostPath(AccessServiceFixture.Vhost)}/queues/not-permitted", null)).Content.ReadAsStringAsync());
                answers.Add(await (await client.PostAsync($"{ApiClient.VhostPath(AccessServiceFixture.Vhost)}/queues/{queue}/publish",
                    new StringContent("{\"body\":\"x\"}", System.Text.Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync());
                using var wrong = Client(service, key[..^2] + "xx");
                answers.Add(await (await wrong.GetAsync("api/v1/vhosts")).Content.ReadAsStringAsync());
            }
            await fixture.Admin.DeleteAsync($"api/v1/keys/{id}").ExpectAsync(HttpStatusCode.NoContent);
            using var revoked = Client(fixture.Service, key);
            answers.Add(await (await revoked.GetAsync("api/v1/vhosts")).Content.ReadAsStringAsync());
        }
        var token = fixture.Issuer.Issue(AccessServiceFixture.Audience, [AccessServiceFixture.MatrixRole]);
        secrets.Add(token);
        using (var tokenClient = Client(other, token)) answers.Add(await (await tokenClient.GetAsync("api/v1/vhosts")).Content.ReadAsStringAsync());
        var expired = fixture.Issuer.Issue(AccessServiceFixture.Audience, [AccessServiceFixture.MatrixRole], DateTimeOffset.UtcNow.AddHours(-1));
        secrets.Add(expired);
        using (var expiredClient = Client(fixture.Service, expired)) answers.Add(await (await expiredClient.GetAsync("api/v1/vhosts")).Content.ReadAsStringAsync());
        answers.Add((await fixture.Admin.GetAsync("api/v1/events").ExpectAsync(HttpStatusCode.OK)).GetRawText());
        answers.Add((await fixture.Admin.GetAsync("api/v1/keys").ExpectAsync(HttpStatusCode.OK)).GetRawText());

        var logs = fixture.Service.OutputLines.Concat(other.OutputLines).ToList();
        var rows = await AllStoredRowsAsync();
        output.WriteLine($"searched {logs.Count} log lines, {rows.Count} stored rows in both regions, {answers.Count} answers for {secrets.Count} secrets");

        // The searches can find what they look for: the key ids are in the stored rows, requests are in the logs.
        Assert.Contains(rows, r => r.Contains(keptId, StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("PutVhost", StringComparison.Ordinal) || l.Contains("DeclareQueue", StringComparison.Ordinal));
        foreach (var secret in secrets.Select(Secret))
        {
            Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(rows, r => r.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(answers, a => a.Contains(secret, StringComparison.Ordinal));
        }
    }

    /// <summary>The part of a credential that must stay secret: an API key's after its id; a token's signature
    /// (its header and claims are not secret, and are often logged by proxies).</summary>
    private static string Secret(string credential) =>
        credential.Count(c => c == '.') switch { 1 => credential.Split('.')[1], 2 => credential.Split('.')[2], _ => credential };

    private async Task<List<string>> AllStoredRowsAsync()
    {
        var rows = new List<string>();
        foreach (var region in new[] { fixture.Regions.Primary, fixture.Regions.Secondary }) rows.AddRange(await RowsOfAsync(region.ConnectionString));
        return rows;
    }

    /// <summary>Every row of every table of one region's store, as JSON, with the table's name.</summary>
    private static async Task<List<string>> RowsOfAsync(string connectionString)
    {
        var rows = new List<string>();
        var service = new TableServiceClient(connectionString);
        await foreach (var table in service.QueryAsync())
        {
            await foreach (var entity in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                var values = entity.ToDictionary(p => p.Key, p => p.Value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : p.Value?.ToString());
                values["$table"] = table.Name;
                rows.Add(JsonSerializer.Serialize(values));
            }
        }
        return rows;
    }

    /// <summary>The connection string of the region that is secondary now (the matrix's failovers swap them).</summary>
    private async Task<string> SecondaryRegionAsync()
    {
        var topology = await fixture.Admin.GetAsync("api/v1/topology").ExpectAsync(HttpStatusCode.OK);
        return topology.Str("primary") == Serverless.Testing.AzuriteRegionsFixture.PrimaryName
            ? fixture.Regions.Secondary.ConnectionString
            : fixture.Regions.Primary.ConnectionString;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(200);
        }
        return true;
    }

    private Task<(string Id, string Key)> CreateKeyAsync(string pattern) =>
        fixture.Admin.CreateKeyAsync(AccessServiceFixture.Vhost, pattern, pattern, pattern);

    private static async Task<HttpStatusCode> StatusAsync(ServiceProcess service, string key)
    {
        using var client = Client(service, key);
        using var response = await client.GetAsync($"{ApiClient.VhostPath(AccessServiceFixture.Vhost)}/queues");
        return response.StatusCode;
    }

    private static HttpClient Client(ServiceProcess service, string credential)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", credential);
        return client;
    }
}
