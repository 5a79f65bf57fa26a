using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Access;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Messages;

namespace Serverless.Functions;

public sealed class PublishToExchange(Publisher publisher)
{
    [Function(nameof(PublishToExchange))]
    [Access(Permission.Write, "exchange")]
    [ApiOperation("Publish one message, or a batch of 1-100, through an exchange.")]
    [ApiResponse(201, "Every message is `enqueued` or `duplicate`.", Type = typeof(PublishResponse))]
    [ApiResponse(200, "At least one message is `unroutable`, `dropped` or `rejected`; the results say which.", Type = typeof(PublishResponse))]
    [ApiProblem(503, "Storage failed; `results`, when present, gives each message's id and whether it was stored, so a retry can resend exactly the others.", Extensions = typeof(PublishResponse))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/vhosts/{vhost}/exchanges/{exchange}/publish")] HttpRequest request,
        [FromBody] PublishRequest body, string vhost, string exchange)
    {
        var response = await publisher.PublishToExchangeAsync(vhost, exchange, body.Messages!, request.HttpContext.RequestAborted);
        return response.AllConfirmed ? TypedResults.Json(response, statusCode: StatusCodes.Status201Created) : TypedResults.Ok(response);
    }
}
