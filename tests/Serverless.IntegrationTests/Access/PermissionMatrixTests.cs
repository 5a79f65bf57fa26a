using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.IntegrationTests.Functions;
using Xunit.Abstractions;

namespace Serverless.IntegrationTests.Access;

/// <summary>Every endpoint of the served OpenAPI document × every kind of credential → exactly 401, 403 or 2xx.
/// The endpoint list is the document's, so an endpoint added without a case here fails the test.</summary>
[Collection(AccessCollection.Name)]
public sealed class PermissionMatrixTests(AccessServiceFixture fixture, ITestOutputHelper output)
{
    private const string Vhost = AccessServiceFixture.Vhost;
    private static int counter;

    /// <summary>What an operation needs: the admin, any grant in the vhost, or a permission on the names it
    /// touches (in the route or in the body).</summary>
    private enum Need { Admin, Vhost, Permission }

    private enum Credential
    {
        None, UnknownKey, RevokedKey, OtherVhostKey, KeyLackingPermission, KeyWithPermission, KeyWithPermissionInHeader,
        AdminKey, TokenWithRole, TokenWithoutRole, TokenWithAdminRole, ExpiredToken, TokenForOtherAudience, TokenSignedByOtherKey,
    }

    private sealed record Case(Need Need, Func<Task<HttpRequestMessage>> Prepare);

    [Fact]
    public async Task Every_endpoint_answers_exactly_401_403_or_2xx_for_every_credential()
    {
        await SetUpVhostsAsync();
        var credentials = await CredentialsAsync();
        var cases = Cases();
        var operations = await OperationsAsync();
        var secured = operations.Where(o => o.Secured).Select(o => o.Id).ToHashSet();

        Assert.Equal(cases.Keys.Order(), secured.Order());
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        using var anonymous = fixture.Anonymous();
        foreach (var (operation, @case) in cases.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (var credential in Enum.GetValues<Credential>())
            {
                using var request = await @case.Prepare();
                credentials[credential](request);
                using var response = await anonymous.SendAsync(request);
                var expected = Expected(credential, @case.Need);
                var status = (int)response.StatusCode;
                var ok = expected == 200 ? status is >= 200 and < 300 : status == expected;
                if (!ok) failures.Add($"{operation} with {credential}: {status}, expected {(expected == 200 ? "2xx" : expected)}: {await response.Content.ReadAsStringAsync()}");
                else if (status is 401 or 403) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        output.WriteLine($"{cases.Count} operations × {Enum.GetValues<Credential>().Length} credentials in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Endpoints_outside_the_v1_api_need_no_credential()
    {
        using var anonymous = fixture.Anonymous();
        var open = (await OperationsAsync()).Where(o => !o.Secured).ToList();

        Assert.Contains(open, o => o.Id == "GetHealth");
        foreach (var operation in open.Where(o => !o.Path.Contains('{')))
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(operation.Method), operation.Path.TrimStart('/')));
            Assert.True(response.IsSuccessStatusCode, $"{operation.Id}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_vhost_key_may_not_reach_a_vhost_that_does_not_exist_and_learns_nothing_of_it()
    {
        await SetUpVhostsAsync();
        var key = await CreateKeyAsync(Vhost, ".*", ".*", ".*");
        using var anonymous = fixture.Anonymous();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/vhosts/no-such-{Guid.NewGuid():N}/queues");
        request.Headers.Authorization = new("Bearer", key);
        using var response = await anonymous.SendAsync(request);

        // 403, not 404: whether a vhost exists is for those who may enter it.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static int Expected(Credential credential, Need need) => credential switch
    {
        Credential.None or Credential.UnknownKey or Credential.RevokedKey or Credential.ExpiredToken
            or Credential.TokenForOtherAudience or Credential.TokenSignedByOtherKey => 401,
        Credential.AdminKey or Credential.TokenWithAdminRole => 200,
        Credential.OtherVhostKey or Credential.TokenWithoutRole => 403,
        Credential.KeyLackingPermission => need == Need.Vhost ? 200 : 403,
        _ => need == Need.Admin ? 403 : 200,
    };

    private async Task SetUpVhostsAsync()
    {
        foreach (var vhost in new[] { Vhost, "elsewhere" })
        {
            using var response = await fixture.Admin.PutAsync(ApiClient.VhostPath(vhost), null);
            Assert.True(response.IsSuccessStatusCode);
        }
    }

    private async Task<Dictionary<Credential, Action<HttpRequestMessage>>> CredentialsAsync()
    {
        var pattern = AccessServiceFixture.Pattern;
        var permitted = await CreateKeyAsync(Vhost, pattern, pattern, pattern);
        var lacking = await CreateKeyAsync(Vhost, "^other-", "^other-", "^other-");
        var elsewhere = await CreateKeyAsync("elsewhere", ".*", ".*", ".*");
        var revoked = await CreateKeyAsync(Vhost, ".*", ".*", ".*");
        await fixture.Admin.DeleteAsync($"api/v1/keys/{revoked.Split('.')[0]}").ExpectAsync(HttpStatusCode.NoContent);
        var issuer = fixture.Issuer;
        var audience = AccessServiceFixture.Audience;
        Action<HttpRequestMessage> Bearer(string value) => request => request.Headers.Authorization = new("Bearer", value);
        return new()
        {
            [Credential.None] = _ => { },
            [Credential.UnknownKey] = Bearer($"{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..20]}.{Guid.NewGuid():N}"),
            [Credential.RevokedKey] = Bearer(revoked),
            [Credential.OtherVhostKey] = Bearer(elsewhere),
            [Credential.KeyLackingPermission] = Bearer(lacking),
            [Credential.KeyWithPermission] = Bearer(permitted),
            [Credential.KeyWithPermissionInHeader] = request => request.Headers.Add("x-api-key", permitted),
            [Credential.AdminKey] = Bearer(fixture.Service.AdminKey),
            [Credential.TokenWithRole] = Bearer(issuer.Issue(audience, [AccessServiceFixture.MatrixRole])),
            [Credential.TokenWithoutRole] = Bearer(issuer.Issue(audience, ["Some.Other.Role"])),
            [Credential.TokenWithAdminRole] = Bearer(issuer.Issue(audience, [AccessServiceFixture.AdminRole])),
            [Credential.ExpiredToken] = Bearer(issuer.Issue(audience, [AccessServiceFixture.AdminRole], DateTimeOffset.UtcNow.AddMinutes(-10))),
            [Credential.TokenForOtherAudience] = Bearer(issuer.Issue("api://someone-else", [AccessServiceFixture.AdminRole])),
            [Credential.TokenSignedByOtherKey] = Bearer(issuer.Issue(audience, [AccessServiceFixture.AdminRole], foreignKey: true)),
        };
    }

    private async Task<string> CreateKeyAsync(string vhost, string configure, string write, string read) =>
        (await fixture.Admin.CreateKeyAsync(vhost, configure, write, read)).Key;

    private sealed record Operation(string Id, string Method, string Path, bool Secured);

    private async Task<List<Operation>> OperationsAsync()
    {
        var document = await fixture.Admin.GetFromJsonAsync<JsonElement>("api/openapi/v1.json");
        return [.. from path in document.GetProperty("paths").EnumerateObject()
                   from method in path.Value.EnumerateObject()
                   let secured = method.Value.GetProperty("security").GetArrayLength() > 0
                   select new Operation(method.Value.GetProperty("operationId").GetString()!, method.Name.ToUpperInvariant(), path.Name, secured)];
    }

    // ---- one case per operation: set up what it needs (as the admin), then the request to try ----

    private static string Name(string kind) => $"m-{kind}-{Interlocked.Increment(ref counter)}-{Guid.NewGuid():N}"[..24];

    private static string V(string rest = "") => $"api/v1/vhosts/{Vhost}{rest}";

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body = null) =>
        new(method, path) { Content = body is null ? null : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };

    private Dictionary<string, Case> Cases()
    {
        var admin = fixture.Admin;
        async Task<string> Queue()
        {
            var queue = Name("q");
            await admin.PutAsync(V($"/queues/{queue}"), null).ExpectAsync(HttpStatusCode.Created);
            return queue;
        }
        async Task<string> Exchange()
        {
            var exchange = Name("x");
            await admin.PutJsonAsync(V($"/exchanges/{exchange}"), new { type = "direct" }).ExpectAsync(HttpStatusCode.Created);
            return exchange;
        }
        async Task<string> Policy()
        {
            var policy = Name("p");
            await admin.PutJsonAsync(V($"/policies/{policy}"), new { pattern = "^m-none$", definition = new { maxLength = 5 } }).ExpectAsync(HttpStatusCode.Created);
            return policy;
        }
        async Task<(string Queue, string Receipt)> Leased()
        {
            var queue = await Queue();
            await admin.PostJsonAsync(V($"/queues/{queue}/publish"), new { body = "m" }).ExpectAsync(HttpStatusCode.Created);
            var received = await admin.PostJsonAsync(V($"/queues/{queue}/receive"), new { maxMessages = 1 }).ExpectAsync(HttpStatusCode.OK);
            return (queue, received.GetProperty("messages")[0].Str("receipt"));
        }
        async Task<string> Binding()
        {
            var (exchange, queue) = (await Exchange(), await Queue());
            var created = await admin.PostJsonAsync(V("/bindings"), new { source = exchange, destination = queue, destinationType = "queue", routingKey = "k" }).ExpectAsync(HttpStatusCode.Created);
            return created.Str("id");
        }
        Case Simple(Need need, HttpMethod method, string path, object? body = null) => new(need, () => Task.FromResult(Request(method, path, body)));

        return new()
        {
            ["AckMessages"] = new(Need.Permission, async () => { var (q, r) = await Leased(); return Request(HttpMethod.Post, V($"/queues/{q}/ack"), new { receipts = new[] { r } }); }),
            ["NackMessages"] = new(Need.Permission, async () => { var (q, r) = await Leased(); return Request(HttpMethod.Post, V($"/queues/{q}/nack"), new { receipts = new[] { r }, requeue = true }); }),
            ["ExtendLeases"] = new(Need.Permission, async () => { var (q, r) = await Leased(); return Request(HttpMethod.Post, V($"/queues/{q}/extend"), new { receipts = new[] { r }, visibilityTimeoutSeconds = 30 }); }),
            ["CreateBinding"] = new(Need.Permission, async () => Request(HttpMethod.Post, V("/bindings"), new { source = await Exchange(), destination = await Queue(), destinationType = "queue", routingKey = "k" })),
            ["DeleteBinding"] = new(Need.Permission, async () => Request(HttpMethod.Delete, V($"/bindings/{await Binding()}"))),
            ["DeclareExchange"] = new(Need.Permission, () => Task.FromResult(Request(HttpMethod.Put, V($"/exchanges/{Name("x")}"), new { type = "fanout" }))),
            ["DeclareQueue"] = new(Need.Permission, () => Task.FromResult(Request(HttpMethod.Put, V($"/queues/{Name("q")}")))),
            ["DeleteExchange"] = new(Need.Permission, async () => Request(HttpMethod.Delete, V($"/exchanges/{await Exchange()}"))),
            ["DeleteQueue"] = new(Need.Permission, async () => Request(HttpMethod.Delete, V($"/queues/{await Queue()}"))),
            ["DeletePolicy"] = new(Need.Permission, async () => Request(HttpMethod.Delete, V($"/policies/{await Policy()}"))),
            ["PutPolicy"] = new(Need.Permission, () => Task.FromResult(Request(HttpMethod.Put, V($"/policies/{Name("p")}"), new { pattern = "^m-none$", definition = new { maxLength = 5 } }))),
            ["PeekMessages"] = new(Need.Permission, async () => Request(HttpMethod.Get, V($"/queues/{await Queue()}/messages?state=ready"))),
            ["PublishToExchange"] = new(Need.Permission, async () => Request(HttpMethod.Post, V($"/exchanges/{await Exchange()}/publish"), new { body = "x", routingKey = "k" })),
            ["PublishToQueue"] = new(Need.Permission, async () => Request(HttpMethod.Post, V($"/queues/{await Queue()}/publish"), new { body = "x" })),
            ["PurgeQueue"] = new(Need.Permission, async () => Request(HttpMethod.Post, V($"/queues/{await Queue()}/purge"))),
            ["ReceiveMessages"] = new(Need.Permission, async () => Request(HttpMethod.Post, V($"/queues/{await Queue()}/receive"), new { maxMessages = 1 })),
            ["RedriveMessages"] = new(Need.Permission, async () => Request(HttpMethod.Post, V($"/queues/{await Queue()}/redrive"))),
            ["GetExchange"] = new(Need.Vhost, async () => Request(HttpMethod.Get, V($"/exchanges/{await Exchange()}"))),
            ["GetPolicy"] = new(Need.Vhost, async () => Request(HttpMethod.Get, V($"/policies/{await Policy()}"))),
            ["GetQueue"] = new(Need.Vhost, async () => Request(HttpMethod.Get, V($"/queues/{await Queue()}"))),
            ["ListBindings"] = Simple(Need.Vhost, HttpMethod.Get, V("/bindings")),
            ["ListExchanges"] = Simple(Need.Vhost, HttpMethod.Get, V("/exchanges")),
            ["ListPolicies"] = Simple(Need.Vhost, HttpMethod.Get, V("/policies")),
            ["ListQueues"] = Simple(Need.Vhost, HttpMethod.Get, V("/queues")),
            ["ListVhosts"] = Simple(Need.Admin, HttpMethod.Get, "api/v1/vhosts"),
            ["PutVhost"] = new(Need.Admin, () => Task.FromResult(Request(HttpMethod.Put, $"api/v1/vhosts/{Name("v")}"))),
            ["DeleteVhost"] = new(Need.Admin, async () =>
            {
                var vhost = Name("v");
                await admin.PutAsync($"api/v1/vhosts/{vhost}", null).ExpectAsync(HttpStatusCode.Created);
                return Request(HttpMethod.Delete, $"api/v1/vhosts/{vhost}");
            }),
            ["CreateKey"] = Simple(Need.Admin, HttpMethod.Post, "api/v1/keys", new { vhost = Vhost, configure = "", write = "", read = "" }),
            ["ListKeys"] = Simple(Need.Admin, HttpMethod.Get, "api/v1/keys"),
            ["DeleteKey"] = new(Need.Admin, async () => Request(HttpMethod.Delete, $"api/v1/keys/{(await CreateKeyAsync(Vhost, "", "", "")).Split('.')[0]}")),
            ["GetEvents"] = Simple(Need.Admin, HttpMethod.Get, "api/v1/events"),
            ["GetTopology"] = Simple(Need.Admin, HttpMethod.Get, "api/v1/topology"),
            ["GetStorageRequestCount"] = Simple(Need.Admin, HttpMethod.Get, "api/v1/diagnostics/storage-requests"),
            ["PutAutoFailover"] = Simple(Need.Admin, HttpMethod.Put, "api/v1/topology/auto-failover", new { enabled = false }),
            // A planned failover is the one that loses nothing; each admin credential runs one.
            ["Failover"] = Simple(Need.Admin, HttpMethod.Post, "api/v1/topology/failover", new { mode = "planned" }),
        };
    }
}
