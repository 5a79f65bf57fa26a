using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Json;

/// <summary>The wire format of API v1: camelCase, enums as camelCase strings, nulls omitted,
/// unknown request fields rejected so that a typo is a 400 naming the field, not a silent default.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            // The web defaults read "5" as 5; the contract wants a wrong type named as such.
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new UtcTimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
