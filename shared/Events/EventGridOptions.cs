namespace Serverless.Events;

/// <summary>Bound from the <c>EventGrid</c> configuration section. Both empty by default: events are then kept in the
/// events table only. Checked at start-up by <see cref="EventGridOptionsValidator"/>.</summary>
public sealed class EventGridOptions
{
    public const string SectionName = "EventGrid";

    /// <summary><c>EventGrid:TopicEndpoint</c>: the topic's endpoint, an absolute http(s) URI such as
    /// <c>https://&lt;topic&gt;.&lt;region&gt;-1.eventgrid.azure.net/api/events</c>; the topic must take the CloudEvents 1.0
    /// schema. Default empty: no Event Grid.</summary>
    public string TopicEndpoint { get; set; } = "";

    /// <summary><c>EventGrid:TopicKey</c>: one of the topic's access keys (sent as <c>aeg-sas-key</c>); required with
    /// <see cref="TopicEndpoint"/>. Default empty.</summary>
    public string TopicKey { get; set; } = "";

    /// <summary>Whether events go to Event Grid.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(TopicEndpoint);
}
