using Serverless.Functions.Hosting;
using Serverless.Queues;

namespace Serverless.Functions;

[HttpTrigger("PUT", "v1/vhosts/{vhost}/queues/{queue}", Request = typeof(DeclareQueueRequest), Response = typeof(QueueInfo), Status = 201,
    Summary = "Declare a queue: 201 created, 200 exists with equivalent arguments, 409 exists with different ones.")]
public sealed class DeclareQueue(QueueService queues) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var (vhost, name) = (context.RouteName("vhost"), context.RouteName("queue"));
        var request = await context.ReadJsonAsync(() => new DeclareQueueRequest(), cancellationToken);
        var (queue, created) = await queues.DeclareAsync(vhost, name, request.Arguments ?? QueueArguments.None, cancellationToken);
        return created ? Results.Created($"/api/v1/vhosts/{vhost}/queues/{name}", queue) : Results.Ok(queue);
    }
}
