using System.Text.Json;
using FluentValidation;
using Serverless.Errors;
using Serverless.Json;
using Serverless.Names;
using Serverless.Validation;

namespace Serverless.Functions.Hosting;

/// <summary>Binding for functions: route names checked against the naming rule, JSON bodies read with the
/// API's options and validated by the request's validator. Every failure becomes a 4xx naming the field.</summary>
public static class RequestBinding
{
    /// <summary>A vhost, queue, exchange or policy name from the route.</summary>
    public static string RouteName(this HttpContext context, string parameter)
    {
        var value = context.Request.RouteValues[parameter] as string;
        if (!ResourceName.IsValid(value)) throw InvalidRequestException.For(parameter, ResourceName.Rule);
        return value!;
    }

    /// <summary>Reads and validates the JSON body. An absent body is <paramref name="whenEmpty"/> if given, else a 400.</summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpContext context, Func<T>? whenEmpty = null, CancellationToken cancellationToken = default) where T : class
    {
        var request = context.Request;
        var hasBody = request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        T? value = null;
        if (hasBody)
        {
            if (request.ContentType is { } contentType && !IsJson(contentType)) throw new UnsupportedMediaTypeException(contentType);
            try
            {
                value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, cancellationToken);
            }
            catch (JsonException json)
            {
                // A syntax error spoils the whole body; a wrong type or an unknown field is one field's fault.
                var problem = Describe(json);
                throw InvalidRequestException.For(problem == NotJson ? "body" : FieldOf(json.Path), problem);
            }
        }
        value ??= whenEmpty?.Invoke() ?? throw InvalidRequestException.For("body", "a JSON body is required");
        return await ValidateAsync(context, value, cancellationToken);
    }

    public static async Task<T> ValidateAsync<T>(HttpContext context, T value, CancellationToken cancellationToken = default)
    {
        var validator = context.RequestServices.GetService<IValidator<T>>();
        if (validator is null) return value;
        var result = await validator.ValidateAsync(value, cancellationToken);
        if (result.IsValid) return value;
        var errors = result.Errors
            .GroupBy(e => string.IsNullOrEmpty(e.PropertyName) ? "body" : e.PropertyName.TrimStart('.'))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        if (result.Errors.All(e => e.ErrorCode == ValidationConventions.TooLarge))
        {
            throw new PayloadTooLargeException(errors.Keys.First(), "A message body is too large.") { Errors = errors };
        }
        throw new InvalidRequestException(errors);
    }

    /// <summary>A boolean query parameter (<c>true</c>/<c>false</c>), else a 400 naming it.</summary>
    public static bool QueryFlag(this HttpContext context, string name)
    {
        var raw = context.Request.Query[name].ToString();
        if (raw.Length == 0) return false;
        return bool.TryParse(raw, out var flag) ? flag : throw InvalidRequestException.For(name, "must be true or false");
    }

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
