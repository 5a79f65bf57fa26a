using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Serverless.DevHost.Rpc;
using Serverless.DevHost.Triggers;

namespace Serverless.DevHost.Worker;

/// <summary>Builds InvocationRequests as the host does for each trigger. Every request carries a trace context:
/// the worker starts the invocation's Activity from it and fails the invocation without one.</summary>
public static class InvocationRequests
{
    /// <summary>A request forwarded to the worker's HTTP endpoint: the trigger is an empty RpcHttp (the worker reads the
    /// request itself) and the trigger metadata holds the route values, <c>Query</c> and <c>Headers</c>.</summary>
    public static InvocationRequest ForHttp(
        string functionId, string invocationId, string triggerName,
        IEnumerable<KeyValuePair<string, string>> routeValues,
        IReadOnlyDictionary<string, string> query,
        IReadOnlyDictionary<string, string> headers)
    {
        var request = New(functionId, invocationId);
        request.InputData.Add(new ParameterBinding { Name = triggerName, Data = new TypedData { Http = new RpcHttp() } });
        request.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(query) };
        request.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(headers) };
        foreach (var (name, value) in routeValues)
        {
            request.TriggerMetadata[name] = new TypedData { String = value };
        }

        return request;
    }

    /// <summary>A timer firing: the trigger is the TimerInfo JSON (schedule status, past due).</summary>
    public static InvocationRequest ForTimer(string functionId, string invocationId, string triggerName, TimerFiring firing)
    {
        ArgumentNullException.ThrowIfNull(firing);
        var request = New(functionId, invocationId);
        request.InputData.Add(new ParameterBinding { Name = triggerName, Data = new TypedData { Json = firing.ToTimerInfoJson() } });
        return request;
    }

    /// <summary>A queue message: the trigger is its text (or bytes for a <c>Binary</c> binding) and the trigger metadata
    /// holds what the host's queue trigger provides (Id, DequeueCount, times, PopReceipt, QueueTrigger).</summary>
    public static InvocationRequest ForQueue(string functionId, string invocationId, string triggerName, bool binary, QueueDelivery message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = New(functionId, invocationId);
        var data = binary ? new TypedData { Bytes = ByteString.CopyFrom(message.Body.ToArray()) } : new TypedData { String = message.Body.ToString() };
        request.InputData.Add(new ParameterBinding { Name = triggerName, Data = data });
        request.TriggerMetadata["QueueTrigger"] = new TypedData { String = message.Body.ToString() };
        request.TriggerMetadata["Id"] = new TypedData { String = message.MessageId };
        request.TriggerMetadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
        // As JSON, as the Functions host sends trigger metadata values that are neither text nor bytes: the isolated
        // worker's binding feature converts no TypedData.Int, and failed every queue-triggered invocation on it.
        request.TriggerMetadata["DequeueCount"] = new TypedData { Json = JsonSerializer.Serialize(message.DequeueCount) };
        AddTime(request, "InsertionTime", message.InsertedOn);
        AddTime(request, "ExpirationTime", message.ExpiresOn);
        AddTime(request, "NextVisibleTime", message.NextVisibleOn);
        return request;
    }

    private static void AddTime(InvocationRequest request, string name, DateTimeOffset? time)
    {
        if (time is { } value) request.TriggerMetadata[name] = new TypedData { Json = JsonSerializer.Serialize(value) };
    }

    private static InvocationRequest New(string functionId, string invocationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionId);
        ArgumentException.ThrowIfNullOrEmpty(invocationId);
        var current = Activity.Current;
        return new InvocationRequest
        {
            FunctionId = functionId,
            InvocationId = invocationId,
            TraceContext = new RpcTraceContext
            {
                TraceParent = current?.IdFormat == ActivityIdFormat.W3C && current.Id is { } id
                    ? id
                    : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00",
                TraceState = current?.TraceStateString ?? string.Empty,
            },
        };
    }
}
