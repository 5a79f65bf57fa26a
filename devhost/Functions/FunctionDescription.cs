namespace Serverless.DevHost.Functions;

/// <summary>One function of the app as <c>functions.metadata</c> declares it.</summary>
public sealed class FunctionDescription
{
    public FunctionDescription(string name, string scriptFile, string entryPoint, string language, IReadOnlyList<BindingDescription> bindings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        ScriptFile = scriptFile;
        EntryPoint = entryPoint;
        Language = language;
        Bindings = bindings;
        Trigger = bindings.SingleOrDefault(b => b.IsTrigger)
            ?? throw new FormatException($"Function '{name}' has no trigger binding (or more than one).");
    }

    public string Name { get; }

    /// <summary>The assembly, relative to the app folder.</summary>
    public string ScriptFile { get; }

    /// <summary><c>Namespace.Type.Method</c>.</summary>
    public string EntryPoint { get; }

    public string Language { get; }

    public IReadOnlyList<BindingDescription> Bindings { get; }

    public BindingDescription Trigger { get; }

    public bool IsHttp => Trigger.Type.Equals(TriggerTypes.Http, StringComparison.OrdinalIgnoreCase);

    public bool IsTimer => Trigger.Type.Equals(TriggerTypes.Timer, StringComparison.OrdinalIgnoreCase);

    public bool IsQueue => Trigger.Type.Equals(TriggerTypes.Queue, StringComparison.OrdinalIgnoreCase);
}
