using System.Net;
using System.Text.Json;
using Serverless.Testing;
using static Serverless.IntegrationTests.Functions.ApiClient;

namespace Serverless.IntegrationTests.Functions;

/// <summary>PutVhost, ListVhosts, DeleteVhost (API.md, Vhosts).</summary>
[Collection(ServiceCollection.Name)]
public sealed class VhostFunctionsTests(ServiceFixture fixture)
{
    private readonly HttpClient client = fixture.Client;

    [Fact]
    public async Task Put_creates_with_201_then_answers_200()
    {
        var vhost = NewVhostName();

        var created = await client.PutAsync(VhostPath(vhost), content: null).ExpectAsync(HttpStatusCode.Created);
        var again = await client.PutAsync(VhostPath(vhost), content: null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(vhost, created.Str("name"));
        Assert.Equal(vhost, again.Str("name"));
        Assert.Equal(created.Str("createdAt"), again.Str("createdAt"));
    }

    [Fact]
    public async Task List_contains_default_and_created_vhosts()
    {
        var vhost = NewVhostName();
        await client.PutAsync(VhostPath(vhost), content: null).ExpectAsync(HttpStatusCode.Created);

        var list = await client.GetAsync("api/v1/vhosts").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        var names = list.EnumerateArray().Select(v => v.Str("name")).ToList();
        Assert.Contains(DefaultVhost, names);
        Assert.Contains(vhost, names);
    }

    [Fact]
    public async Task Queues_live_in_their_own_vhost()
    {
        var vhost = NewVhostName();
        await client.PutAsync(VhostPath(vhost), content: null).ExpectAsync(HttpStatusCode.Created);
        var name = await client.DeclareQueueAsync(vhost: vhost);
        await client.PublishAsync(name, new { body = "in vhost" }, vhost);

        await client.GetAsync(QueuePath(name, DefaultVhost)).ExpectProblemAsync(HttpStatusCode.NotFound);
        var listed = await client.GetAsync($"{VhostPath(vhost)}/queues").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([name], listed.EnumerateArray().Select(q => q.Str("name")).ToArray());
        Assert.Equal(1, (await client.CountsAsync(name, vhost)).Ready);
    }

    [Fact]
    public async Task Delete_removes_the_vhost_and_its_queues()
    {
        var vhost = NewVhostName();
        await client.PutAsync(VhostPath(vhost), content: null).ExpectAsync(HttpStatusCode.Created);
        var name = await client.DeclareQueueAsync(vhost: vhost);
        await client.PublishAsync(name, new { body = "gone with the vhost" }, vhost);

        await client.DeleteAsync(VhostPath(vhost)).ExpectAsync(HttpStatusCode.NoContent);

        var names = (await client.GetAsync("api/v1/vhosts").ExpectAsync(HttpStatusCode.OK)).EnumerateArray().Select(v => v.Str("name")).ToList();
        Assert.DoesNotContain(vhost, names);
        await client.GetAsync(QueuePath(name, vhost)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"{VhostPath(vhost)}/queues").ExpectProblemAsync(HttpStatusCode.NotFound);

        // Recreated, the vhost starts empty: its old queues and their messages are gone.
        await client.PutAsync(VhostPath(vhost), content: null).ExpectAsync(HttpStatusCode.Created);
        var listed = await client.GetAsync($"{VhostPath(vhost)}/queues").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, listed.GetArrayLength());
        await client.PutAsync(QueuePath(name, vhost), content: null).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((0L, 0L, 0L, 0L), await client.CountsAsync(name, vhost));
    }

    [Fact]
    public async Task Delete_of_unknown_vhost_is_404()
    {
        await client.DeleteAsync(VhostPath(NewVhostName())).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Queue_operations_in_an_unknown_vhost_are_404()
    {
        var vhost = NewVhostName();
        var queue = QueuePath(NewQueueName(), vhost);

        await client.PutAsync(queue, content: null).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync(queue).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"{VhostPath(vhost)}/queues").ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.DeleteAsync(queue).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.PostJsonAsync($"{queue}/publish", new { body = "x" }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.PostJsonAsync($"{queue}/receive", new { maxMessages = 1 }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.PostAsync($"{queue}/purge", content: null).ExpectProblemAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"{queue}/messages").ExpectProblemAsync(HttpStatusCode.NotFound);

        // None of these created the vhost.
        var names = (await client.GetAsync("api/v1/vhosts").ExpectAsync(HttpStatusCode.OK)).EnumerateArray().Select(v => v.Str("name")).ToList();
        Assert.DoesNotContain(vhost, names);
    }
}
