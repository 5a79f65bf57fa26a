using System.Globalization;
using System.Text.Json;
using FluentValidation;
using Serverless.Errors;
using Serverless.Json;
using Serverless.Validation;

namespace Serverless.Functions.Hosting;

/// <summary>Binding for functions: JSON bodies read with the API's options and validated by the request's
/// validator, query flags parsed. Every failure becomes a 4xx naming the field.</summary>
public static class RequestBinding
{
    /// <summary>Reads the JSON body as <paramref name="type"/> and validates it. An absent body is null when
    /// <paramref name="optional"/>, else a 400 naming <c>body</c>.</summary>
    public static async Task<object?> ReadJsonAsync(HttpRequest request, Type type, bool optional, CancellationToken cancellationToken = default)
    {
        object? value = null;
        if (HasBody(request))
        {
            if (request.ContentType is { } contentType && !IsJson(contentType)) throw new UnsupportedMediaTypeException(contentType);
            try
            {
                value = await JsonSerializer.DeserializeAsync(request.Body, type, ApiJson.Options, cancellationToken);
            }
            catch (JsonException json)
            {
                // A syntax error spoils the whole body; a wrong type or an unknown field is one field's fault.
                var problem = Describe(json);
                throw InvalidRequestException.For(problem == NotJson ? "body" : FieldOf(json.Path), problem);
            }
        }
        if (value is null)
        {
            return optional ? null : throw InvalidRequestException.For("body", "a JSON body is required");
        }
        await ValidateAsync(request.HttpContext.RequestServices, type, value, cancellationToken);
        return value;
    }

    /// <summary>Validates <paramref name="value"/> with its registered validator, if any.</summary>
    public static async Task<T> ValidateAsync<T>(HttpRequest request, T value, CancellationToken cancellationToken = default) where T : notnull
    {
        await ValidateAsync(request.HttpContext.RequestServices, typeof(T), value, cancellationToken);
        return value;
    }

    /// <summary>A boolean query parameter (<c>true</c>/<c>false</c>), else a 400 naming it.</summary>
    public static bool QueryFlag(this HttpRequest request, string name)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0) return false;
        return bool.TryParse(raw, out var flag) ? flag : throw InvalidRequestException.For(name, "must be true or false");
    }

    /// <summary>A non-negative integer query parameter, null when absent or empty, else a 400 naming it with
    /// <paramref name="problem"/>. Bounds are the request validator's.</summary>
    public static int? QueryInteger(this IQueryCollection query, string name, string problem) =>
        query[name].ToString() is { Length: > 0 } raw
            ? int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw InvalidRequestException.For(name, problem)
            : null;

    /// <summary>A query parameter, or null when absent or empty.</summary>
    public static string? QueryValue(this HttpRequest request, string name) =>
        request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    private static async Task ValidateAsync(IServiceProvider services, Type type, object value, CancellationToken cancellationToken)
    {
        if (services.GetService(typeof(IValidator<>).MakeGenericType(type)) is not IValidator validator) return;
        var result = await validator.ValidateAsync(new ValidationContext<object>(value), cancellationToken);
        if (result.IsValid) return;
        var errors = result.Errors
            .GroupBy(e => string.IsNullOrEmpty(e.PropertyName) ? "body" : e.PropertyName.TrimStart('.'))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        if (result.Errors.All(e => e.ErrorCode == ValidationConventions.TooLarge))
        {
            throw new PayloadTooLargeException(errors.Keys.First(), "A message body is too large.") { Errors = errors };
        }
        throw new InvalidRequestException(errors);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    // The serializer's own messages name .NET types; clients get the field and what is wrong with it.
    private static string Describe(JsonException json) => json.Message switch
    {
        var m when m.Contains("could not be mapped", StringComparison.Ordinal) => "is not a known field",
        var m when m.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) => "appears more than once",
        var m when m.Contains("could not be converted", StringComparison.Ordinal) => "has the wrong type or an invalid value",
        _ => NotJson,
    };

    private const string NotJson = "is not valid JSON";
}
