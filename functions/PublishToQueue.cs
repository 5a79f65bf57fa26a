using Serverless.Functions.Hosting;
using Serverless.Messages;

namespace Serverless.Functions;

[HttpTrigger("POST", "v1/vhosts/{vhost}/queues/{queue}/publish", Request = typeof(PublishRequest), Response = typeof(PublishResponse), Status = 201,
    Summary = "Publish one message or a batch of 1-100 to a queue (default exchange). 201 when all are enqueued or duplicates, else 200.")]
public sealed class PublishToQueue(Publisher publisher) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, queue) = (context.RouteName("vhost"), context.RouteName("queue"));
        var request = await context.ReadJsonAsync<PublishRequest>(cancellationToken: cancellationToken);
        var response = await publisher.PublishToQueueAsync(vhost, queue, request.Messages!, cancellationToken);
        return response.AllConfirmed
            ? Results.Json(response, statusCode: StatusCodes.Status201Created)
            : Results.Ok(response);
    }
}
