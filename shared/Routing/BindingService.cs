using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Serverless.Errors;
using Serverless.Json;
using Serverless.Queues;
using Serverless.Storage;

namespace Serverless.Routing;

/// <summary>Binds exchanges to queues and to other exchanges. A binding's id is a hash of what it is,
/// so creating the same binding again finds the first one (200) instead of adding a second.</summary>
public sealed class BindingService(IMetadataStore metadata, QueueDirectory directory, VhostCatalogs catalogs, TimeProvider time)
{
    public async Task<(BindingInfo Binding, bool Created)> CreateAsync(string vhost, CreateBindingRequest request, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        catalogs.Forget(vhost);
        var catalog = await catalogs.GetAsync(vhost, cancellationToken);
        var source = request.Source!;
        var destination = request.Destination!;
        var destinationType = request.DestinationType ?? DestinationType.Queue;
        if (source.Length == 0) throw InvalidRequestException.For("source", "the default exchange cannot be bound explicitly");
        if (catalog.FindExchange(source) is null) throw new NotFoundException("exchange", source);
        var destinationExists = destinationType == DestinationType.Queue
            ? await directory.FindQueueAsync(vhost, destination, cancellationToken) is not null
            : catalog.FindExchange(destination) is not null && destination.Length > 0;
        if (!destinationExists) throw new NotFoundException(destinationType == DestinationType.Queue ? "queue" : "exchange", destination);

        var routingKey = request.RoutingKey ?? "";
        var record = new BindingRecord(IdOf(source, destination, destinationType, routingKey, request.Arguments), source, destination, destinationType, routingKey, request.Arguments, time.GetUtcNow());
        var created = await metadata.AddRecordAsync(VhostCatalog.BindingKind, vhost, record.Id, record, cancellationToken);
        if (!created) record = await metadata.GetRecordAsync<BindingRecord>(VhostCatalog.BindingKind, vhost, record.Id, cancellationToken) ?? record;
        catalogs.Forget(vhost);
        return (Describe(vhost, record), created);
    }

    /// <summary>Bindings of the vhost, optionally only those from <paramref name="source"/> and/or to <paramref name="destination"/>.</summary>
    public async Task<IReadOnlyList<BindingInfo>> ListAsync(string vhost, string? source, string? destination, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        catalogs.Forget(vhost);
        var catalog = await catalogs.GetAsync(vhost, cancellationToken);
        return catalog.Bindings
            .Where(b => (source is null || b.Source == source) && (destination is null || b.Destination == destination))
            .OrderBy(b => b.Source, StringComparer.Ordinal).ThenBy(b => b.Destination, StringComparer.Ordinal).ThenBy(b => b.RoutingKey, StringComparer.Ordinal)
            .Select(b => Describe(vhost, b))
            .ToList();
    }

    /// <summary>Deletes binding <paramref name="id"/>; <paramref name="authorize"/> checks first that the caller
    /// may remove it (it throws when not; null: anyone).</summary>
    public async Task DeleteAsync(string vhost, string id, Action<CreateBindingRequest>? authorize = null, CancellationToken cancellationToken = default)
    {
        await directory.EnsureVhostAsync(vhost, cancellationToken);
        if (authorize is not null)
        {
            var binding = await metadata.GetRecordAsync<BindingRecord>(VhostCatalog.BindingKind, vhost, id, cancellationToken) ?? throw new NotFoundException("binding", id);
            authorize(new CreateBindingRequest { Source = binding.Source, Destination = binding.Destination });
        }
        if (!await metadata.DeleteRecordAsync(VhostCatalog.BindingKind, vhost, id, cancellationToken)) throw new NotFoundException("binding", id);
        catalogs.Forget(vhost);
    }

    internal static string IdOf(string source, string destination, DestinationType type, string routingKey, Dictionary<string, JsonElement>? arguments)
    {
        var canonicalArguments = arguments is null ? "" : JsonSerializer.Serialize(arguments.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(), ApiJson.Options);
        var identity = string.Join('\n', source, destination, type.ToString(), routingKey, canonicalArguments);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..24];
    }

    private static BindingInfo Describe(string vhost, BindingRecord b) =>
        new(b.Id, vhost, b.Source, b.Destination, b.DestinationType, b.RoutingKey, b.Arguments, b.CreatedAt);
}
