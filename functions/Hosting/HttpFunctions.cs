using System.Reflection;

namespace Serverless.Functions.Hosting;

/// <summary>The HTTP functions of this app, found once by reflection over its <c>[Function]</c> methods.</summary>
public static class HttpFunctions
{
    private static readonly Lazy<IReadOnlyDictionary<string, HttpFunction>> ByName =
        new(() => Discover(typeof(HttpFunctions).Assembly).ToDictionary(f => f.Name, StringComparer.Ordinal));

    /// <summary>Ordered by route, then method.</summary>
    public static IReadOnlyList<HttpFunction> All => [.. ByName.Value.Values.OrderBy(f => f.Route, StringComparer.Ordinal).ThenBy(f => f.Methods[0], StringComparer.Ordinal)];

    public static HttpFunction? Find(string functionName) => ByName.Value.GetValueOrDefault(functionName);

    public static IEnumerable<HttpFunction> Discover(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
        let function = method.GetCustomAttribute<FunctionAttribute>()
        let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(t => t is not null)
        where function is not null && trigger is not null
        select new HttpFunction(function.Name, method, trigger);
}
