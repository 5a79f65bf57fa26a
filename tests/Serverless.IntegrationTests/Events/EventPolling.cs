using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serverless.IntegrationTests.Functions;

namespace Serverless.IntegrationTests.Events;

/// <summary>Events are written in the background: these wait (bounded) until what a test expects has arrived.</summary>
public static class EventPolling
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary><c>GET /api/v1/events?since=</c>, filtered to <paramref name="subject"/>, once it holds
    /// <paramref name="count"/> events (or whatever it holds after <see cref="Patience"/>).</summary>
    public static async Task<IReadOnlyList<JsonElement>> TableEventsAsync(HttpClient client, DateTimeOffset since, string subject, int count)
    {
        var path = $"api/v1/events?since={Uri.EscapeDataString(since.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}";
        return await UntilAsync<JsonElement>(async () =>
        {
            var page = await client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
            return page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("subject").GetString() == subject).ToList();
        }, count);
    }

    public static async Task<IReadOnlyList<T>> UntilAsync<T>(Func<Task<IReadOnlyList<T>>> read, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var found = await read();
            if (found.Count >= count || clock.Elapsed > Patience) return found;
            await Task.Delay(100);
        }
    }

    public static Task<IReadOnlyList<T>> UntilAsync<T>(Func<IReadOnlyList<T>> read, int count) =>
        UntilAsync(() => Task.FromResult(read()), count);
}
