using Serverless.Functions.Hosting;
using Serverless.Queues;

namespace Serverless.Functions;

[HttpTrigger("DELETE", "v1/vhosts/{vhost}/queues/{queue}", Status = 204, Summary = "Delete a queue and its messages.")]
[QueryParameter("ifEmpty", typeof(bool), "Only if the queue holds no message (else 409).")]
[QueryParameter("ifUnused", typeof(bool), "Only if no message is in flight (else 409).")]
public sealed class DeleteQueue(QueueService queues) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        await queues.DeleteAsync(context.RouteName("vhost"), context.RouteName("queue"), context.QueryFlag("ifEmpty"), context.QueryFlag("ifUnused"), cancellationToken);
        return Results.NoContent();
    }
}
