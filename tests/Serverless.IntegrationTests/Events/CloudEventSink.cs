using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.IntegrationTests.Events;

/// <summary>A stand-in Event Grid topic on a free loopback port: takes the SDK's POSTs and records each with its
/// content type, key header and CloudEvents. What it answers is set by the test: accept (200), fail (500), or hang
/// until <see cref="Release"/>.</summary>
public sealed class CloudEventSink : IAsyncDisposable
{
    public enum Mode { Accept, Fail, Hang }

    private WebApplication app = null!;
    private readonly Lock gate = new();
    private readonly List<SinkRequest> requests = [];
    private TaskCompletionSource released = NewRelease();
    private volatile Mode mode = Mode.Accept;


    /// <summary>Root of the sink, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<CloudEventSink> StartAsync()
    {
        var sink = new CloudEventSink();
        (sink.app, sink.BaseAddress) = await LoopbackWebApp.StartAsync(app => app.MapPost("/api/events", sink.ReceiveAsync));
        return sink;
    }

    /// <summary>How the sink answers from now on.</summary>
    public void Answer(Mode next)
    {
        if (next != Mode.Hang) Release();
        mode = next;
    }

    /// <summary>Lets every hung request end (answered 503).</summary>
    public void Release()
    {
        lock (gate)
        {
            released.TrySetResult();
            released = NewRelease();
        }
    }

    public IReadOnlyList<SinkRequest> Requests
    {
        get
        {
            lock (gate) return [.. requests];
        }
    }

    /// <summary>The events of accepted requests about <paramref name="subject"/>, in the order received.</summary>
    public IReadOnlyList<JsonElement> AcceptedEvents(string subject) =>
        Requests.Where(r => r.Answered == HttpStatusCode.OK).SelectMany(r => r.Events).Where(e => e.GetProperty("subject").GetString() == subject).ToList();

    public async ValueTask DisposeAsync()
    {
        Release();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body);
        var current = mode;
        Task hang;
        lock (gate) hang = released.Task;
        var answer = current switch { Mode.Accept => HttpStatusCode.OK, Mode.Fail => HttpStatusCode.InternalServerError, _ => HttpStatusCode.ServiceUnavailable };
        var record = new SinkRequest(request.ContentType, request.Headers["aeg-sas-key"].ToString(), [.. body.RootElement.EnumerateArray().Select(e => e.Clone())], answer);
        lock (gate) requests.Add(record);
        if (current == Mode.Hang) await hang;
        return Results.StatusCode((int)answer);
    }

    private static TaskCompletionSource NewRelease() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One POST the sink received and what it answered.</summary>
public sealed record SinkRequest(string? ContentType, string Key, IReadOnlyList<JsonElement> Events, HttpStatusCode Answered);
