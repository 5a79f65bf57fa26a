using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.UnitTests.Bicep;

/// <summary>Reads a compiled ARM template the way the structural checks need: the main template's module deployments
/// by name, the resources of a (nested) template by type, whether resources are an array or (language version 2.0) an
/// object. Values stay ARM expressions: nothing is evaluated.</summary>
public sealed partial class ArmTemplate(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public static ArmTemplate Parse(string json) => new(JsonNode.Parse(json)!.AsObject());

    /// <summary>A deep copy, for a test that breaks the template to prove a check notices.</summary>
    public ArmTemplate Clone() => new(Root.DeepClone().AsObject());

    /// <summary>The resources a template deploys (not those it only refers to as <c>existing</c>).</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) =>
        (template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(entry => entry.Value).OfType<JsonObject>(),
            _ => [],
        }).Where(resource => resource["existing"]?.GetValueKind() != System.Text.Json.JsonValueKind.True);

    public static IEnumerable<JsonObject> Resources(JsonObject template, string type) =>
        Resources(template).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The module deployment named <paramref name="name"/> in the main template, or null.</summary>
    public JsonObject? Deployment(string name) =>
        Resources(Root, "Microsoft.Resources/deployments").FirstOrDefault(d => (string?)d["name"] == name);

    public static JsonObject NestedTemplate(JsonObject deployment) => deployment["properties"]!["template"]!.AsObject();

    /// <summary>The value (an ARM expression or literal) the main template passes to a module's parameter, as text.</summary>
    public static string ParameterValue(JsonObject deployment, string parameter) =>
        deployment["properties"]?["parameters"]?[parameter]?["value"] switch
        {
            null => "",
            JsonValue value when value.TryGetValue(out string? text) => text,
            var other => other.ToJsonString(),
        };

    /// <summary>Every template in the document: the main one and each module's.</summary>
    public IEnumerable<JsonObject> Templates() =>
        new[] { Root }.Concat(Resources(Root, "Microsoft.Resources/deployments")
            .Select(d => d["properties"]?["template"]).OfType<JsonObject>());

    /// <summary>The role definition GUIDs a template's role assignments grant, with <c>variables('x')</c> looked up.</summary>
    public static IReadOnlySet<string> GrantedRoles(JsonObject template)
    {
        var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var assignment in Resources(template, "Microsoft.Authorization/roleAssignments"))
        {
            var expression = (string?)assignment["properties"]?["roleDefinitionId"] ?? "";
            foreach (Match variable in VariableReference().Matches(expression))
            {
                if (template["variables"]?[variable.Groups[1].Value] is JsonValue value && value.TryGetValue(out string? id)) roles.Add(id);
            }
            foreach (Match literal in Guid().Matches(expression)) roles.Add(literal.Value);
        }
        return roles;
    }

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex Guid();
}
