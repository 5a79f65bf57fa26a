using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Validators;
using Serverless.Validation;

namespace Serverless.Functions.OpenApi;

/// <summary>Reads the request validators' unconditional rules back as JSON Schema keywords, so the document is
/// as strict as the server: NotNull/NotEmpty → required, InclusiveBetween and comparisons → minimum/maximum,
/// Length → minLength/maxLength. Custom predicates and conditional rules cannot be described and are left out.</summary>
public sealed class ValidatorConstraints
{
    private readonly IReadOnlyDictionary<Type, IValidatorDescriptor> _descriptors;

    public ValidatorConstraints()
    {
        ValidationConventions.Apply();
        _descriptors = AssemblyScanner.FindValidatorsInAssemblyContaining<PublishRequestValidator>()
            .Where(v => v.ValidatorType.GetConstructor(Type.EmptyTypes) is not null)
            .ToDictionary(
                v => v.InterfaceType.GetGenericArguments()[0],
                v => ((IValidator)Activator.CreateInstance(v.ValidatorType)!).CreateDescriptor());
    }

    /// <summary>Applies the rules on <paramref name="type"/>'s property <paramref name="clrName"/> (JSON name
    /// <paramref name="jsonName"/>) to its schema; returns true when the property is required.</summary>
    public bool Apply(Type type, string clrName, string jsonName, JsonObject property)
    {
        var required = false;
        foreach (var rule in RulesOf(type))
        {
            if (rule.GetType().Name.StartsWith("CollectionPropertyRule", StringComparison.Ordinal)) continue;
            var onProperty = rule.Member?.Name == clrName;
            var onCount = rule.Member?.Name == "Count" && rule.PropertyName == jsonName;
            if (!onProperty && !onCount) continue;
            foreach (var component in rule.Components.Where(c => !c.HasCondition && !c.HasAsyncCondition))
            {
                var makesRequired = Describe(component.Validator, property, counting: !onProperty);
                required |= onProperty && makesRequired;
            }
        }
        return required;
    }

    private IEnumerable<IValidationRule> RulesOf(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (_descriptors.TryGetValue(t, out var descriptor))
            {
                foreach (var rule in descriptor.Rules) yield return rule;
            }
        }
    }

    // Returns true for a rule that makes the property required.
    private static bool Describe(IPropertyValidator validator, JsonObject property, bool counting)
    {
        var isArray = TypeOf(property) == "array";
        var isString = TypeOf(property) == "string";
        switch (validator)
        {
            case INotNullValidator:
                return true;
            case INotEmptyValidator:
                if (isString) property["minLength"] = 1;
                if (isArray) property["minItems"] = 1;
                return true;
            case IBetweenValidator between when validator is IInclusiveBetweenValidator:
                Bound(property, counting, isArray, between.From, between.To);
                return false;
            case IComparisonValidator { Comparison: Comparison.GreaterThanOrEqual } comparison:
                Bound(property, counting, isArray, comparison.ValueToCompare, null);
                return false;
            case IComparisonValidator { Comparison: Comparison.LessThanOrEqual } comparison:
                Bound(property, counting, isArray, null, comparison.ValueToCompare);
                return false;
            case ILengthValidator length when isString:
                if (length.Min > 0) property["minLength"] = length.Min;
                if (length.Max >= 0) property["maxLength"] = length.Max;
                return false;
            default:
                return false;
        }
    }

    private static void Bound(JsonObject property, bool counting, bool isArray, object? min, object? max)
    {
        var (minKey, maxKey) = !counting ? ("minimum", "maximum") : isArray ? ("minItems", "maxItems") : ("minProperties", "maxProperties");
        if (min is not null) property[minKey] = JsonValue.Create(Convert.ToInt64(min, System.Globalization.CultureInfo.InvariantCulture));
        if (max is not null) property[maxKey] = JsonValue.Create(Convert.ToInt64(max, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray types => types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => null,
    };
}
