using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Serverless.Events;

/// <summary>An event as <c>GET /api/v1/events</c> answers it: the CloudEvents 1.0 JSON format, attribute names as the
/// specification spells them; the same fields Event Grid receives.</summary>
public sealed record CloudEventInfo(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] JsonObject Data)
{
    public const string Version = "1.0";
    public const string JsonContentType = "application/json";

    /// <summary>The CloudEvents <c>source</c> of every event of this service; <see cref="Subject"/> names the resource.</summary>
    public const string ServiceSource = "/serverless";

    public static CloudEventInfo From(DomainEvent domainEvent) =>
        new(Version, domainEvent.Id, ServiceSource, domainEvent.Type, domainEvent.Subject, domainEvent.Time, JsonContentType, JsonObject.Create(domainEvent.Data)!);
}
