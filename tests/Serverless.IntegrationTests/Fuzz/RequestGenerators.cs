using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Serverless.Testing;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>CsCheck generators of whole requests to one <see cref="ApiEndpoint"/>: route parameters (existing, valid,
/// unicode, percent-encoded, dot segments, overlong, empty), query values, credentials (mostly the admin key; none,
/// garbage, huge, duplicated), content types and other headers, and a body from <see cref="JsonBodyGenerators"/>.</summary>
public static class RequestGenerators
{
    private static readonly string[] OtherMethods = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"];

    /// <summary>A request to any of <paramref name="endpoints"/>.</summary>
    public static Gen<FuzzRequest> Any(IReadOnlyList<ApiEndpoint> endpoints, FuzzTargets targets) =>
        Gen.OneOf([.. endpoints.Select(e => For(e, targets))]);

    public static Gen<FuzzRequest> For(ApiEndpoint endpoint, FuzzTargets targets) =>
        from method in Gen.Frequency((12, Gen.Const(endpoint.Method)), (1, Gen.OneOf(OtherMethods)))
        from path in Path(endpoint, targets)
        from query in Query(endpoint)
        from auth in Authorization(targets)
        from body in JsonBodyGenerators.Body(endpoint.BodySchema, targets)
        from contentType in ContentType(body.Bytes is not null)
        from extra in ExtraHeaders()
        from expectContinue in Gen.Frequency((3, Gen.Const(true)), (1, Gen.Const(false)))
        select new FuzzRequest(
            endpoint,
            new RawHttpRequest(method, path.Target + query.Text)
            {
                Headers = [.. auth.Headers, .. contentType.Headers, .. extra.Headers],
                Body = body.Bytes,
                // As curl does above 1 MiB; below, the body goes out at once.
                ExpectContinue = body.Bytes is { Length: > 1024 * 1024 } && expectContinue,
            },
            string.Join("; ", new[] { path.Kind, query.Kind, auth.Kind, contentType.Kind, extra.Kind, "body: " + body.Kind }.Where(k => k.Length > 0)));

    private static Gen<(string Target, string Kind)> Path(ApiEndpoint endpoint, FuzzTargets targets)
    {
        var segments = endpoint.PathParameters.Select(p => Segment(p, targets)).ToArray();
        var all = segments.Aggregate(
            Gen.Const(Array.Empty<(string Parameter, string Raw, string Kind)>()),
            (acc, gen) => Gen.Select(acc, gen, (a, s) => a.Append(s).ToArray()));
        var shape = Gen.Frequency((20, Gen.Const("")), (1, Gen.OneOf("/", "//extra", "/..", "/%2e", "?")), (1, Gen.Const("upper")));
        return Gen.Select(all, shape, (values, suffix) =>
        {
            var target = endpoint.PathTemplate;
            for (var i = 0; i < values.Length; i++) target = target.Replace("{" + endpoint.PathParameters[i] + "}", values[i].Raw, StringComparison.Ordinal);
            var kinds = values.Where(v => v.Kind != "existing").Select(v => $"{v.Parameter} {v.Kind}");
            if (suffix == "upper") return (target.ToUpperInvariant(), string.Join(", ", kinds.Append("path upper-cased")));
            return (target + suffix, string.Join(", ", suffix.Length > 0 ? kinds.Append($"path + '{suffix}'") : kinds));
        });
    }

    /// <summary>One route value as it goes on the wire (already percent-encoded where it should be), and its kind.</summary>
    private static Gen<(string Parameter, string Raw, string Kind)> Segment(string parameter, FuzzTargets targets)
    {
        var valid = Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"], Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789._-"], 0, 24], (c, s) => c + s);
        var unicode = Gen.OneOf("é", "名前", "🦀", "\u202Eq", "q\u0301", "İ", "\u00A0", "\uFEFFq", "ǅ", "ｑ");
        return Gen.Frequency(
            (20, Gen.Int[0, 99].Select(i => (parameter, Uri.EscapeDataString(Existing(targets, parameter, i)), "existing"))),
            (6, valid.Select(v => (parameter, v, "valid"))),
            (3, unicode.Select(u => (parameter, Uri.EscapeDataString(u), "unicode"))),
            (1, unicode.Select(u => (parameter, u, "raw unicode"))),
            (3, Gen.OneOf("%2F", "a%2Fb", "%25", "%00", "%FF", "%C3", "%", "%G1", "%61bc", "a%20b", "a+b", "%2B", "%E2%80%AE", "%EF%BB%BF", "%C0%AE", "%u0041")
                .Select(p => (parameter, p, "percent-encoded"))),
            (2, Gen.OneOf(".", "..", "%2e", "%2E%2e", ".%2E", ".hidden", "a.", "...").Select(d => (parameter, d, "dot segment"))),
            (2, Gen.OneOf(128, 129, 1_000, 9_000).Select(n => (parameter, new string('a', n), $"{n} characters"))),
            (1, Gen.Const((parameter, "", "empty"))),
            (2, Gen.OneOf("-leading", "_x", "a b", "a;b", "a,b", "~", "a:b", "a@b", "a*", "a'b", "a\"b", "CON", "$", "a%3Fb")
                .Select(s => (parameter, s.Replace(" ", "%20", StringComparison.Ordinal).Replace("\"", "%22", StringComparison.Ordinal), "odd name"))));
    }

    // Read when the case is generated: the binding id changes when the fuzz deletes the binding and it is made again.
    private static string Existing(FuzzTargets targets, string parameter, int pick)
    {
        var names = targets.Existing(parameter);
        return names[pick % names.Count];
    }

    private static Gen<(string Text, string Kind)> Query(ApiEndpoint endpoint)
    {
        var parameters = endpoint.QueryParameters.Select(p => Gen.Frequency(
            (3, Gen.Const((string?)null)),
            (3, QueryValue(p.Value).Select(v => (string?)$"{p.Key}={v}")),
            (1, Gen.OneOf("", "%FF", "%", "é", "-1", "99999999999999999999", "true&" + p.Key + "=false", "nan", "1%00", new string('9', 2000)).Select(v => (string?)$"{p.Key}={v}")))).ToArray();
        var unknown = Gen.Frequency((8, Gen.Const((string?)null)), (1, Gen.OneOf("bogus=1", "%FF=%FF", "=", "&&", "a[b]=c").Select(s => (string?)s)));
        var all = parameters.Aggregate(unknown.Select(u => new[] { u }), (acc, gen) => Gen.Select(acc, gen, (a, v) => a.Append(v).ToArray()));
        return all.Select(values =>
        {
            var present = values.Where(v => v is not null).ToArray();
            return present.Length == 0 ? ("", "") : ("?" + string.Join("&", present), "query " + string.Join("&", present.Select(v => v!.Length > 40 ? v[..40] + "…" : v)));
        });
    }

    private static Gen<string> QueryValue(JsonObject schema) => (string?)schema["type"] switch
    {
        "boolean" => Gen.OneOf("true", "false", "True", "1", "yes"),
        "integer" => Gen.Select(Gen.Int[-2, 3], Gen.Int[0, 1000], (near, any) => near switch
        {
            -2 => ((schema["minimum"]?.GetValue<int>() ?? 0) - 1).ToString(CultureInfo.InvariantCulture),
            -1 => ((schema["maximum"]?.GetValue<long>() ?? int.MaxValue) + 1).ToString(CultureInfo.InvariantCulture),
            _ => any.ToString(CultureInfo.InvariantCulture),
        }),
        _ when schema["format"]?.GetValue<string>() == "date-time" =>
            Gen.OneOf("2026-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "2026-01-01", "2026-01-01T00:00:00%2B14:00", "yesterday"),
        _ when schema["enum"] is JsonArray values => Gen.OneOf([.. values.Select(v => (string)v!), "bogus", "READY"]),
        _ => Gen.String.AlphaNumeric,
    };

    private static Gen<(KeyValuePair<string, string>[] Headers, string Kind)> Authorization(FuzzTargets targets)
    {
        static KeyValuePair<string, string> H(string name, string value) => new(name, value);
        var key = targets.AdminKey;
        var garbage = Gen.String[Gen.Char['!', '~'], 1, 64];
        return Gen.Frequency<(KeyValuePair<string, string>[], string)>(
            (40, Gen.Const<(KeyValuePair<string, string>[], string)>(([H("Authorization", "Bearer " + key)], ""))),
            (25, Gen.Const<(KeyValuePair<string, string>[], string)>(([H("x-api-key", key)], ""))),
            // Read when a case is generated: the keys are made again after a fuzzed delete of their vhost.
            (12, Gen.Int[0, 1].Select(i => (new[] { H(i == 0 ? "Authorization" : "x-api-key", (i == 0 ? "Bearer " : "") + targets.VhostKey) }, "vhost key"))),
            (6, Gen.Const(0).Select(_ => (new[] { H("Authorization", "Bearer " + targets.NarrowKey) }, "vhost key without the permission"))),
            (2, garbage.Select(g => (new[] { H("Authorization", $"Bearer 0123456789abcdef0123.{g}") }, "key-shaped, unknown id"))),
            (2, garbage.Select(g => (new[] { H("Authorization", $"Bearer {targets.VhostKey.Split('.')[0]}.{g}") }, "known key id, wrong secret"))),
            (2, Gen.Select(garbage, garbage, garbage).Select(t => (new[] { H("Authorization", $"Bearer eyJ{t.Item1}.{t.Item2}.{t.Item3}") }, "token-shaped garbage"))),
            (3, Gen.Const<(KeyValuePair<string, string>[], string)>(([H("Authorization", "bearer   " + key + "  ")], "bearer lower-case, spaced"))),
            (6, Gen.Const<(KeyValuePair<string, string>[], string)>(([], "no key"))),
            (4, garbage.Select(g => (new[] { H("Authorization", "Bearer " + g) }, "garbage bearer"))),
            (2, garbage.Select(g => (new[] { H("x-api-key", g) }, "garbage x-api-key"))),
            (2, Gen.OneOf("é", "ключ", "🦀🦀", key + "é").Select(u => (new[] { H("Authorization", "Bearer " + u) }, "unicode bearer"))),
            (1, Gen.OneOf(8 * 1024, 40 * 1024).Select(n => (new[] { H("Authorization", "Bearer " + new string('k', n)) }, $"bearer of {n} bytes"))),
            (2, Gen.OneOf("Basic YTpi", "Bearer", "Bearer ", "Digest x", key, "Bearer\t" + key, "Bearer " + key + "," + key)
                .Select(v => (new[] { H("Authorization", v) }, "odd Authorization"))),
            (2, garbage.Select(g => (new[] { H("x-api-key", key), H("x-api-key", g) }, "x-api-key twice"))),
            (2, garbage.Select(g => (new[] { H("Authorization", "Bearer " + g), H("x-api-key", key) }, "garbage bearer + good x-api-key"))),
            (1, Gen.Const<(KeyValuePair<string, string>[], string)>(([H("Authorization", "Bearer " + key), H("Authorization", "Bearer " + key)], "Authorization twice"))));
    }

    private static Gen<(KeyValuePair<string, string>[] Headers, string Kind)> ContentType(bool hasBody)
    {
        var json = "application/json";
        var odd = Gen.OneOf(
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
            "application/json; charset=latin1", "application/json; charset=bogus", "application/merge-patch+json", "application/json;;;",
            "APPLICATION/JSON", "application/jsonx", "json", "*/*", "", "application/json, text/plain", "application/problem+json",
            "application/json; charset=\"utf-8\"", "application/json\t; q=0.5");
        return Gen.Frequency<(KeyValuePair<string, string>[], string)>(
            (hasBody ? 30 : 2, Gen.Const<(KeyValuePair<string, string>[], string)>(([new("Content-Type", json)], ""))),
            (hasBody ? 3 : 20, Gen.Const<(KeyValuePair<string, string>[], string)>(([], hasBody ? "no Content-Type" : ""))),
            (6, odd.Select(t => (new[] { new KeyValuePair<string, string>("Content-Type", t) }, $"Content-Type '{t}'"))),
            (1, Gen.Const<(KeyValuePair<string, string>[], string)>(([new("Content-Type", json), new("Content-Type", "text/plain")], "Content-Type twice"))));
    }

    private static Gen<(KeyValuePair<string, string>[] Headers, string Kind)> ExtraHeaders()
    {
        static (KeyValuePair<string, string>[], string) One(string name, string value, string kind) => ([new(name, value)], kind);
        return Gen.Frequency<(KeyValuePair<string, string>[], string)>(
            (40, Gen.Const<(KeyValuePair<string, string>[], string)>(([], ""))),
            (3, Gen.Select(Gen.String[Gen.Char['a', 'z'], 1, 20], Gen.String[Gen.Char[' ', '~'], 0, 100], (n, v) => One("x-" + n, v.Trim(), "garbage header"))),
            (2, Gen.OneOf(8 * 1024, 30 * 1024, 70 * 1024).Select(n => One("x-big", new string('h', n), $"header of {n} bytes"))),
            (2, Gen.OneOf("é", "名前", "\u00ff\u00fe").Select(v => One("x-unicode", v, "unicode header"))),
            (1, Gen.OneOf("*/*", "application/xml", "text/html;q=0", "\u00e9").Select(v => One("Accept", v, "Accept " + v))),
            (1, Gen.OneOf("gzip", "br", "deflate", "bogus").Select(v => One("Content-Encoding", v, "Content-Encoding " + v))),
            (1, Gen.OneOf("100-continue", "200-ok").Select(v => One("Expect", v, "Expect " + v))),
            (1, Gen.Const(One("Transfer-Encoding", "chunked", "Transfer-Encoding chunked beside Content-Length"))),
            (1, Gen.Const<(KeyValuePair<string, string>[], string)>(([.. Enumerable.Range(0, 150).Select(i => new KeyValuePair<string, string>("x-many-" + i.ToString(CultureInfo.InvariantCulture), "v"))], "150 headers"))));
    }
}
