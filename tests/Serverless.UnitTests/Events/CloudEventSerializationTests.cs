using System.Text.Json;
using Serverless.Events;
using Serverless.Json;
using Serverless.Queues;
using Serverless.Storage;
using Serverless.Storage.Events;

namespace Serverless.UnitTests.Events;

/// <summary>The three forms of an event: the API's CloudEvent JSON, the CloudEvent Event Grid receives, and the table row.</summary>
public sealed class CloudEventSerializationTests
{
    private static readonly DomainEvent Created = QueueEvents.Created(
        new QueueRecord("default", "orders", new QueueArguments { MaxLength = 10, Replication = ReplicationMode.Async }, new DateTimeOffset(2026, 11, 23, 14, 21, 11, 573, TimeSpan.Zero)));

    [Fact]
    public void Api_event_uses_the_cloudevents_attribute_names()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(CloudEventInfo.From(Created), ApiJson.Options));
        var root = json.RootElement;

        Assert.Equal(
            ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal(Created.Id, root.GetProperty("id").GetString());
        Assert.Equal("/serverless", root.GetProperty("source").GetString());
        Assert.Equal("Serverless.Queue.Created", root.GetProperty("type").GetString());
        Assert.Equal("/vhosts/default/queues/orders", root.GetProperty("subject").GetString());
        Assert.Equal("2026-11-23T14:21:11.573Z", root.GetProperty("time").GetString());
        Assert.Equal("application/json", root.GetProperty("datacontenttype").GetString());
        var data = root.GetProperty("data");
        Assert.Equal("default", data.GetProperty("vhost").GetString());
        Assert.Equal("orders", data.GetProperty("queue").GetString());
        Assert.Equal(10, data.GetProperty("arguments").GetProperty("maxLength").GetInt32());
        Assert.Equal("async", data.GetProperty("arguments").GetProperty("replication").GetString());
        Assert.False(data.GetProperty("arguments").TryGetProperty("messageTtlSeconds", out _), "unset arguments are left out");
    }

    [Fact]
    public void Event_grid_event_carries_the_same_fields_with_data_as_json()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(EventGridSender.ToCloudEvent(Created)));
        var root = json.RootElement;

        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal(Created.Id, root.GetProperty("id").GetString());
        Assert.Equal("/serverless", root.GetProperty("source").GetString());
        Assert.Equal(EventTypes.QueueCreated, root.GetProperty("type").GetString());
        Assert.Equal("/vhosts/default/queues/orders", root.GetProperty("subject").GetString());
        Assert.Equal(Created.Time, root.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("application/json", root.GetProperty("datacontenttype").GetString());
        Assert.False(root.TryGetProperty("data_base64", out _), "data is sent as JSON, not base64");
        Assert.Equal(Created.Data.GetRawText(), root.GetProperty("data").GetRawText());
    }

    [Fact]
    public void Table_row_reads_back_as_the_same_event()
    {
        var entity = TableEventStore.ToEntity(Created);

        var read = TableEventStore.FromEntity(entity);

        Assert.Equal(TableEventStore.Partition, entity.PartitionKey);
        Assert.Equal(Created.Id, entity.RowKey);
        Assert.Equal((Created.Id, Created.Time, Created.Type, Created.Subject), (read.Id, read.Time, read.Type, read.Subject));
        Assert.Equal(Created.Data.GetRawText(), read.Data.GetRawText());
    }

    [Fact]
    public void Deleted_event_names_the_queue()
    {
        var at = new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);

        var deleted = QueueEvents.Deleted(new QueueRecord("v1", "q1", QueueArguments.None, at.AddHours(-1)), at);

        Assert.Equal((EventTypes.QueueDeleted, "/vhosts/v1/queues/q1", at), (deleted.Type, deleted.Subject, deleted.Time));
        Assert.Equal("""{"vhost":"v1","queue":"q1"}""", deleted.Data.GetRawText());
    }
}
