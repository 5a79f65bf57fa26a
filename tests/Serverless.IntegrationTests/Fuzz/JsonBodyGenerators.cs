using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>CsCheck generators of request bodies as bytes: JSON shaped by an operation's schema (mostly almost valid:
/// wrong types, fields missing or unknown, numbers at and past their bounds), and what no schema allows: deep nesting,
/// huge strings and arrays up to and over the 4 MiB limit, invalid UTF-8, other encodings, duplicate keys, broken
/// syntax, base64 garbage.</summary>
public static class JsonBodyGenerators
{
    /// <summary>The request size limit of the service (API.md: 4 MiB).</summary>
    public const int FourMiB = 4 * 1024 * 1024;

    // Long-poll fields are kept short when valid so that the suite's time stays bounded; their bounds are covered
    // by the out-of-range values and by BadInputTests.
    private static readonly Dictionary<string, int> ValidMaximumOverride = new(StringComparer.Ordinal) { ["waitSeconds"] = 1 };

    private static readonly Gen<string> OddStrings = Gen.OneOf(
        "", " ", "x", "é", "名前", "🦀", "\u202Eevil", "a\u0000b", "\uFEFF", "null", "true", "0", "-1", "../..", "%2E%2E", "${x}",
        "<script>", "'; DROP TABLE Messages;--", "\\", "\"", "\u0085", "\uD800", "amq.default", "a.b.c", "#", "*");

    /// <summary>A JSON text shaped by <paramref name="schema"/>, each value almost valid.</summary>
    public static Gen<string> FromSchema(JsonNode? schema, FuzzTargets targets, string? property = null, int depth = 0)
    {
        if (schema is not JsonObject obj || depth > 6) return RandomJson(2);
        var mutated = RandomJson(2);
        var shaped = Shaped(obj, targets, property, depth);
        return Gen.Frequency((12, shaped), (1, mutated));
    }

    /// <summary>Any JSON value, nested at most <paramref name="depth"/> deep.</summary>
    public static Gen<string> RandomJson(int depth)
    {
        var scalar = Gen.Frequency(
            (3, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
            (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "1e400")),
            (3, Gen.String.Select(Quote)),
            (2, OddStrings.Select(Quote)),
            (1, Gen.OneOf("true", "false", "null")));
        if (depth <= 0) return scalar;
        var inner = RandomJson(depth - 1);
        return Gen.Frequency(
            (4, scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(Gen.String.AlphaNumeric, inner).Array[0, 4].Select(fields => "{" + string.Join(",", fields.Select(f => Quote(f.Item1) + ":" + f.Item2)) + "}")));
    }

    /// <summary>A body for <paramref name="schema"/> (null: an operation without a body, which is sent one anyway
    /// at times): (what kind of body, its bytes or null for none).</summary>
    public static Gen<(string Kind, byte[]? Bytes)> Body(JsonNode? schema, FuzzTargets targets)
    {
        var shaped = FromSchema(schema, targets);
        var utf8 = (string text) => Encoding.UTF8.GetBytes(text);
        var fields = FieldNames(schema);
        var stringField = Gen.OneOf([.. fields.Strings.DefaultIfEmpty("body")]);
        var arrayField = Gen.OneOf([.. fields.Arrays.DefaultIfEmpty("messages")]);
        return Gen.Frequency<(string, byte[]?)>(
            (schema is null ? 4 : 30, shaped.Select(t => ("schema-shaped", (byte[]?)utf8(t)))),
            (8, Gen.Const<(string, byte[]?)>(("none", null))),
            (2, Gen.Const<(string, byte[]?)>(("empty", []))),
            (5, RandomJson(4).Select(t => ("random JSON", (byte[]?)utf8(t)))),
            (4, Gen.Select(Gen.OneOf(64, 1_000, 10_000, 100_000), Gen.Bool, Gen.OneOf([.. fields.All.DefaultIfEmpty("body")]))
                .Select(x => ($"nested {x.Item1} deep in {x.Item3}", (byte[]?)utf8(Nest(x.Item1, x.Item2, x.Item3))))),
            (4, Gen.Select(Gen.OneOf(256 * 1024 + 1, 1024 * 1024, FourMiB - 64, FourMiB + 1), stringField, Gen.Bool)
                .Select(x => ($"string of {x.Item1} in {x.Item2}", (byte[]?)utf8(HugeString(x.Item1, x.Item2, x.Item3))))),
            (3, Gen.Select(Gen.OneOf(101, 10_000, 450_000), arrayField)
                .Select(x => ($"array of {x.Item1} in {x.Item2}", (byte[]?)utf8(HugeArray(x.Item1, x.Item2))))),
            (5, Gen.Select(shaped, Gen.OneOf(InvalidUtf8), Gen.Double[0, 1])
                .Select(x => ("invalid UTF-8", (byte[]?)InsertInvalidUtf8(x.Item1, x.Item2, x.Item3)))),
            (3, shaped.Select(t => ("duplicate keys", (byte[]?)utf8(DuplicateFirstKey(t))))),
            (3, Gen.Select(stringField, Gen.OneOf("1e400", "-1e400", "99999999999999999999999", "-0", "1.5", "0x10", "NaN", "Infinity", "-9223372036854775809", "4.9e-324"))
                .Select(x => ($"number {x.Item2}", (byte[]?)utf8($"{{{Quote(x.Item1)}:{x.Item2}}}")))),
            (3, Gen.Select(Gen.OneOf("!!!", "AAA", "A===", "====", "é", "AA\nAA", "QUJD-_", "QUJD\u0000"), Gen.OneOf("base64", "BASE64", "hex", ""))
                .Select(x => ($"base64 garbage {x.Item2}", (byte[]?)utf8($"{{\"body\":{Quote(x.Item1)},\"bodyEncoding\":{Quote(x.Item2)}}}")))),
            (3, Gen.Select(shaped, Gen.OneOf("UTF-16LE", "UTF-16BE", "UTF-32", "UTF-8 BOM", "Latin-1"))
                .Select(x => ($"encoded {x.Item2}", (byte[]?)Encode(x.Item1, x.Item2)))),
            (4, Gen.Select(shaped, Gen.Int[0, 7])
                .Select(x => ("broken syntax", (byte[]?)utf8(Break(x.Item1, x.Item2))))));
    }

    private static Gen<string> Shaped(JsonObject schema, FuzzTargets targets, string? property, int depth)
    {
        if (schema["oneOf"] is JsonArray choices)
        {
            return Gen.OneOf([.. choices.Select(c => FromSchema(c, targets, property, depth + 1))]);
        }
        if (schema["enum"] is JsonArray values)
        {
            var allowed = values.Select(v => v?.ToJsonString() ?? "null").ToArray();
            return Gen.Frequency((6, Gen.OneOf(allowed)), (1, OddStrings.Select(Quote)));
        }
        var types = schema["type"] switch
        {
            JsonArray many => many.Select(t => (string)t!).ToArray(),
            JsonValue one => [(string)one!],
            _ => [],
        };
        var gens = types.Select(t => t switch
        {
            "object" => ObjectOf(schema, targets, depth),
            "array" => ArrayOf(schema, targets, property, depth),
            "integer" => Integer(schema, property),
            "string" => Text(schema, property, targets),
            "boolean" => Gen.OneOf("true", "false", "\"true\"", "1"),
            "null" => Gen.Const("null"),
            _ => RandomJson(1),
        }).ToArray();
        return gens.Length == 0 ? RandomJson(2) : Gen.OneOf(gens);
    }

    private static Gen<string> ObjectOf(JsonObject schema, FuzzTargets targets, int depth)
    {
        var required = schema["required"]?.AsArray().Select(r => (string)r!).ToHashSet(StringComparer.Ordinal) ?? [];
        var properties = schema["properties"]?.AsObject().ToList() ?? [];
        var fields = properties
            .Select(p => Gen.Select(Gen.Int[0, 9], FromSchema(p.Value, targets, p.Key, depth + 1))
                .Select(x => (required.Contains(p.Key) ? x.Item1 > 0 : x.Item1 > 4) ? Quote(p.Key) + ":" + x.Item2 : null))
            .ToArray();
        var unknown = Gen.Frequency((9, Gen.Const((string?)null)), (1, Gen.Select(Gen.String.AlphaNumeric, RandomJson(1)).Select(x => (string?)(Quote(x.Item1) + ":" + x.Item2))));
        Gen<string?[]> all = fields.Length == 0
            ? unknown.Select(u => new string?[] { u })
            : Gen.Select(fields.Aggregate(Gen.Const(Array.Empty<string?>()), (acc, f) => Gen.Select(acc, f, (a, v) => a.Append(v).ToArray())), unknown, (a, u) => a.Append(u).ToArray());
        if (schema["additionalProperties"] is JsonObject extra && properties.Count == 0)
        {
            // A free-form map (message headers, binding arguments).
            all = Gen.Select(Gen.String.AlphaNumeric, FromSchema(extra, targets, null, depth + 1)).Array[0, 3].Select(a => a.Select(x => (string?)(Quote(x.Item1) + ":" + x.Item2)).ToArray());
        }
        return all.Select(a => "{" + string.Join(",", a.Where(f => f is not null)) + "}");
    }

    private static Gen<string> ArrayOf(JsonObject schema, FuzzTargets targets, string? property, int depth)
    {
        var max = schema["maxItems"]?.GetValue<int>() ?? 3;
        var item = property == "receipts"
            ? Gen.Frequency((3, Gen.Const(() => Quote(targets.Receipt))), (2, FromSchema(schema["items"], targets, null, depth + 1)))
            : FromSchema(schema["items"], targets, null, depth + 1);
        var count = Gen.Frequency((8, Gen.Int[0, Math.Min(3, max)]), (1, Gen.Const(max)), (1, Gen.Const(max + 1)));
        return count.SelectMany(n => item.Array[n]).Select(items => "[" + string.Join(",", items) + "]");
    }

    private static Gen<string> Integer(JsonObject schema, string? property)
    {
        long min = schema["minimum"]?.GetValue<long>() ?? 0;
        long max = schema["maximum"]?.GetValue<long>() ?? int.MaxValue;
        var validMax = property is not null && ValidMaximumOverride.TryGetValue(property, out var cap) ? Math.Min(cap, max) : max;
        var text = (long v) => v.ToString(CultureInfo.InvariantCulture);
        return Gen.Frequency(
            (5, Gen.Long[min, Math.Max(min, validMax)].Select(text)),
            (2, Gen.Const(text(min))),
            (1, Gen.Const(text(validMax))),
            (2, Gen.OneOf(text(min - 1), text(max + 1), "-1", "2147483648", "9223372036854775807", "1.5", "1e3", "\"5\"", "null", "[]")));
    }

    private static Gen<string> Text(JsonObject schema, string? property, FuzzTargets targets)
    {
        var names = property is "source" or "destination" or "deadLetterExchange" or "alternateExchange"
            ? Gen.OneOf(FuzzTargets.Queue, FuzzTargets.Exchange, "amq.default", "missing")
            : Gen.String.AlphaNumeric;
        var maxLength = schema["maxLength"]?.GetValue<int>();
        return Gen.Frequency(
            (5, names.Select(Quote)),
            (2, Gen.String.Select(Quote)),
            (2, OddStrings.Select(Quote)),
            (1, Gen.Const(Quote(new string('a', (maxLength ?? 128) + 1)))),
            (1, Gen.OneOf("5", "null", "{}", "[\"x\"]")));
    }

    private static (IReadOnlyList<string> All, IReadOnlyList<string> Strings, IReadOnlyList<string> Arrays) FieldNames(JsonNode? schema)
    {
        var all = new List<string>();
        var strings = new List<string>();
        var arrays = new List<string>();
        void Walk(JsonNode? node)
        {
            if (node is not JsonObject obj) return;
            if (obj["oneOf"] is JsonArray choices) foreach (var c in choices) Walk(c);
            foreach (var (name, property) in obj["properties"]?.AsObject() ?? [])
            {
                all.Add(name);
                var types = property?["type"]?.ToJsonString() ?? "";
                if (types.Contains("string", StringComparison.Ordinal)) strings.Add(name);
                if (types.Contains("array", StringComparison.Ordinal)) arrays.Add(name);
            }
        }
        Walk(schema);
        return (all.Distinct().ToList(), strings.Distinct().ToList(), arrays.Distinct().ToList());
    }

    private static string Nest(int depth, bool arrays, string field)
    {
        var builder = new StringBuilder(depth * 6 + 32).Append('{').Append(Quote(field)).Append(':');
        for (var i = 0; i < depth; i++) builder.Append(arrays ? "[" : "{\"a\":");
        builder.Append('1');
        for (var i = 0; i < depth; i++) builder.Append(arrays ? ']' : '}');
        return builder.Append('}').ToString();
    }

    private static string HugeString(int length, string field, bool ascii) =>
        "{" + Quote(field) + ":\"" + (ascii ? new string('x', length) : string.Concat(Enumerable.Repeat("é", length / 2))) + "\"}";

    private static string HugeArray(int count, string field) =>
        "{" + Quote(field) + ":[" + string.Join(",", Enumerable.Repeat("{\"body\":\"x\"}", count)) + "]}";

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFE, 0xFF], [0x00],
    ];

    private static byte[] InsertInvalidUtf8(string json, byte[] bad, double where)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        // Inside a string value when there is one, else anywhere.
        var quote = json.IndexOf(":\"", StringComparison.Ordinal);
        var at = quote >= 0 ? Encoding.UTF8.GetByteCount(json[..(quote + 2)]) : (int)(where * bytes.Length);
        return [.. bytes[..at], .. bad, .. bytes[at..]];
    }

    private static string DuplicateFirstKey(string json)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject { Count: > 0 } obj)
            {
                var (name, value) = obj.First();
                return json.Insert(1, Quote(name) + ":" + (value?.ToJsonString() ?? "null") + ",");
            }
        }
        catch (JsonException)
        {
            // Not an object: the generic duplicate below.
        }
        return "{\"a\":1,\"a\":2}";
    }

    private static byte[] Encode(string json, string encoding) => encoding switch
    {
        "UTF-16LE" => Encoding.Unicode.GetBytes(json),
        "UTF-16BE" => Encoding.BigEndianUnicode.GetBytes(json),
        "UTF-32" => Encoding.UTF32.GetBytes(json),
        "UTF-8 BOM" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)],
        _ => Encoding.Latin1.GetBytes(json),
    };

    private static string Break(string json, int how) => how switch
    {
        0 => json[..(json.Length / 2)],
        1 => json + "garbage",
        2 => "/* comment */" + json,
        3 => json.Replace("\"", "'", StringComparison.Ordinal),
        4 => json.Length > 1 && json.EndsWith('}') ? json[..^1] + ",}" : json + ",",
        5 => "   \r\n\t  ",
        6 => json + json,
        _ => "NaN",
    };

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
