using Microsoft.Extensions.Options;

namespace Serverless.Events;

/// <summary>Start-up check of the <c>EventGrid</c> section, naming the configuration key (never printing the key's value).</summary>
public sealed class EventGridOptionsValidator : IValidateOptions<EventGridOptions>
{
    public ValidateOptionsResult Validate(string? name, EventGridOptions options)
    {
        var hasKey = !string.IsNullOrWhiteSpace(options.TopicKey);
        if (!options.IsConfigured)
        {
            return hasKey
                ? ValidateOptionsResult.Fail("EventGrid:TopicKey is set but EventGrid:TopicEndpoint is not: set the topic's endpoint too, or remove the key.")
                : ValidateOptionsResult.Success;
        }
        var failures = new List<string>();
        if (!Uri.TryCreate(options.TopicEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http"))
        {
            failures.Add($"EventGrid:TopicEndpoint must be an absolute http(s) URI such as https://<topic>.<region>-1.eventgrid.azure.net/api/events; it is '{options.TopicEndpoint}'.");
        }
        if (!hasKey) failures.Add("EventGrid:TopicKey is required with EventGrid:TopicEndpoint: set it to one of the topic's access keys.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
