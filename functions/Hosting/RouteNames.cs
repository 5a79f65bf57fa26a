using Serverless.Errors;
using Serverless.Names;

namespace Serverless.Functions.Hosting;

/// <summary>Every route parameter of this API is a resource name (vhost, queue, exchange, policy, binding id).</summary>
public static class RouteNames
{
    /// <summary>Throws a 400 naming every route parameter whose value breaks the naming rule.</summary>
    public static void Check(IEnumerable<string> parameters, IReadOnlyDictionary<string, object?> values)
    {
        var errors = parameters
            .Where(name => !ResourceName.IsValid(values.GetValueOrDefault(name) as string))
            .ToDictionary(name => name, _ => new[] { ResourceName.Rule });
        if (errors.Count > 0) throw new InvalidRequestException(errors);
    }
}
