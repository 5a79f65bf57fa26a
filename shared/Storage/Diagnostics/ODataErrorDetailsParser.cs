using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;

namespace Serverless.Storage.Diagnostics;

/// <summary>Reads the Table service's error body <c>{"odata.error":{"code":..,"message":{"value":..}}}</c> the
/// way the Tables SDK does, including the index of the failed operation that a change set error message
/// starts with (<c>"1:All commands..."</c>), which becomes
/// <see cref="Azure.Data.Tables.TableTransactionFailedException.FailedTransactionActionIndex"/>.</summary>
internal sealed class ODataErrorDetailsParser : RequestFailedDetailsParser
{
    // The key under which the Tables SDK carries the failed operation's index in the exception's Data.
    private const string FailedEntityKey = "FailedEntity";

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        error = null;
        data = null;
        try
        {
            using var json = JsonDocument.Parse(response.Content.ToMemory());
            if (!json.RootElement.TryGetProperty("odata.error", out var odataError)) return false;
            var code = odataError.TryGetProperty("code", out var codeElement) ? codeElement.GetString() : null;
            var message = odataError.TryGetProperty("message", out var messageElement) && messageElement.TryGetProperty("value", out var value)
                ? value.GetString()
                : null;
            data = new Dictionary<string, string>();
            if (message?.IndexOf(':') is > 0 and var colon && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                data[FailedEntityKey] = index.ToString(CultureInfo.InvariantCulture);
            }
            error = new ResponseError(code, message);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
