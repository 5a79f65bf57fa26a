using Serverless.Functions.Hosting;
using Serverless.Health;

namespace Serverless.Functions;

[HttpTrigger("GET", "health", Anonymous = true, Response = typeof(HealthReport), Summary = "Health of both regions; 503 when no region can take writes.")]
public sealed class GetHealth(RegionHealth health) : IHttpFunction
{
    public async Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var report = await health.CheckAsync(cancellationToken);
        return Results.Json(report, statusCode: report.CanWrite ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
