using Serverless.Functions.OpenApi;
using Serverless.Health;

namespace Serverless.Functions;

public sealed class GetHealth(RegionHealth health)
{
    [Function(nameof(GetHealth))]
    [ApiOperation("Health of both regions. No key needed.")]
    [ApiResponse(200, "The primary region can take writes (`degraded` when the secondary is unreachable).", Type = typeof(HealthReport))]
    [ApiResponse(503, "No region can take writes.", Type = typeof(HealthReport))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        var report = await health.CheckAsync(request.HttpContext.RequestAborted);
        return TypedResults.Json(report, statusCode: report.CanWrite ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
