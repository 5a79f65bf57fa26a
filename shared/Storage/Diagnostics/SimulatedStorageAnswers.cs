using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Serverless.Storage.Diagnostics;

/// <summary>Answers of the Table service, given without the service. Each answer passes through a pipeline
/// of its own whose transport answers in-process, so the caller's SDK receives a genuine Azure.Core response
/// (classified as an error or not, with the service's error details parsed) and raises exactly what it
/// raises for the service's own answer.</summary>
internal sealed class SimulatedStorageAnswers
{
    private const string AnswerHeader = "x-simulated-answer";
    private const string JsonContentType = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
    private static readonly Uri Nowhere = new("http://simulated-storage.invalid/");

    private readonly ConcurrentDictionary<string, HttpResponseMessage> pending = new();
    private readonly HttpPipeline pipeline;

    public SimulatedStorageAnswers()
    {
        var options = new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(new AnswerHandler(pending))) };
        options.Retry.MaxRetries = 0;
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsTelemetryEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        pipeline = HttpPipelineBuilder.Build(new HttpPipelineOptions(options)
        {
            RequestFailedDetailsParser = new ODataErrorDetailsParser(),
            ResponseClassifier = new ResponseClassifier(),
        });
    }

    /// <summary>How the service refuses a change set: 202 Accepted for the batch, holding one change set
    /// response with the failed operation's error, its message prefixed by the operation's index.</summary>
    public static HttpResponseMessage ChangeSetFailure(int index, HttpStatusCode status, string code, string message)
    {
        var batchBoundary = $"batchresponse_{Guid.NewGuid()}";
        var changeSetBoundary = $"changesetresponse_{Guid.NewGuid()}";
        var body = new StringBuilder()
            .Append($"--{batchBoundary}\r\n")
            .Append($"Content-Type: multipart/mixed; boundary={changeSetBoundary}\r\n\r\n")
            .Append($"--{changeSetBoundary}\r\n")
            .Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {(int)status} {ReasonOf(status)}\r\n")
            .Append("X-Content-Type-Options: nosniff\r\nDataServiceVersion: 3.0;\r\n")
            .Append($"Content-Type: {JsonContentType}\r\n\r\n")
            .Append(ErrorBody(code, $"{index.ToString(CultureInfo.InvariantCulture)}:{message}")).Append("\r\n")
            .Append($"--{changeSetBoundary}--\r\n")
            .Append($"--{batchBoundary}--\r\n");
        var answer = new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToString())) };
        answer.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/mixed; boundary={batchBoundary}");
        answer.Headers.TryAddWithoutValidation("Cache-Control", "no-cache");
        answer.Headers.TryAddWithoutValidation("DataServiceVersion", "3.0;");
        return WithRequestId(answer);
    }

    /// <summary>How the service refuses a whole request: the status with the error in the body and the
    /// <c>x-ms-error-code</c> header.</summary>
    public static HttpResponseMessage RequestFailure(HttpStatusCode status, string code, string message)
    {
        var answer = new HttpResponseMessage(status)
        {
            ReasonPhrase = message,
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(ErrorBody(code, message))),
        };
        answer.Content.Headers.TryAddWithoutValidation("Content-Type", JsonContentType);
        answer.Headers.TryAddWithoutValidation("x-ms-error-code", code);
        return WithRequestId(answer);
    }

    public async ValueTask<Response> DeliverAsync(HttpResponseMessage answer, CancellationToken cancellationToken = default)
    {
        var message = Prepare(answer);
        await pipeline.SendAsync(message, cancellationToken);
        return message.Response;
    }

    public Response Deliver(HttpResponseMessage answer, CancellationToken cancellationToken = default)
    {
        var message = Prepare(answer);
        pipeline.Send(message, cancellationToken);
        return message.Response;
    }

    // The message is not disposed: that would dispose the response handed to the caller.
    private HttpMessage Prepare(HttpResponseMessage answer)
    {
        var id = Guid.NewGuid().ToString("N");
        pending[id] = answer;
        var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(Nowhere);
        message.Request.Headers.Add(AnswerHeader, id);
        return message;
    }

    private static string ErrorBody(string code, string message)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var value = $"{message}\nRequestId:{Guid.NewGuid()}\nTime:{now}";
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["odata.error"] = new Dictionary<string, object>
            {
                ["code"] = code,
                ["message"] = new Dictionary<string, string> { ["lang"] = "en-US", ["value"] = value },
            },
        });
    }

    private static HttpResponseMessage WithRequestId(HttpResponseMessage answer)
    {
        answer.Headers.TryAddWithoutValidation("x-ms-request-id", Guid.NewGuid().ToString());
        return answer;
    }

    private static string ReasonOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "Bad Request",
        _ => status.ToString(),
    };

    private sealed class AnswerHandler(ConcurrentDictionary<string, HttpResponseMessage> pending) : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var id = request.Headers.GetValues(AnswerHeader).Single();
            if (!pending.TryRemove(id, out var answer)) throw new InvalidOperationException($"No simulated answer {id} is pending.");
            answer.RequestMessage = request;
            return answer;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }
}
