using System.Reflection;

namespace Serverless.Functions.Hosting;

public enum TriggerKind { Http, Timer }

/// <summary>One function: its name (= class name), trigger and implementing type.</summary>
public sealed record FunctionDescriptor(string Name, TriggerKind Kind, Type Type, HttpTriggerAttribute? Http, TimerTriggerAttribute? Timer)
{
    public IReadOnlyList<QueryParameterAttribute> QueryParameters { get; } = Type.GetCustomAttributes<QueryParameterAttribute>().ToList();
}

/// <summary>Every function of this app, found once by reflection over the classes that declare a trigger.</summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> All { get; } = Discover(typeof(FunctionCatalog).Assembly);

    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly) => assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false })
        .Select(t => (Type: t, Http: t.GetCustomAttribute<HttpTriggerAttribute>(), Timer: t.GetCustomAttribute<TimerTriggerAttribute>()))
        .Where(x => x.Http is not null || x.Timer is not null)
        .Select(x =>
        {
            var expected = x.Http is not null ? typeof(IHttpFunction) : typeof(ITimerFunction);
            if (!expected.IsAssignableFrom(x.Type)) throw new InvalidOperationException($"{x.Type.Name} must implement {expected.Name}.");
            return new FunctionDescriptor(x.Type.Name, x.Http is not null ? TriggerKind.Http : TriggerKind.Timer, x.Type, x.Http, x.Timer);
        })
        .OrderBy(f => f.Name, StringComparer.Ordinal)
        .ToList();

    public static IServiceCollection AddFunctions(this IServiceCollection services)
    {
        foreach (var function in All) services.AddScoped(function.Type);
        return services;
    }
}
