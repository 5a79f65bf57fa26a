using Serverless.Errors;
using Serverless.Functions.Diagnostics;
using Serverless.Functions.Hosting;
using Serverless.Functions.OpenApi;
using Serverless.Storage;

namespace Serverless.Functions;

public sealed class GetStorageRequestCount(StorageRequestCounter? counter = null)
{
    [Function(nameof(GetStorageRequestCount))]
    [Access(AccessLevel.Admin)]
    [ApiOperation("Storage requests sent since start, for benchmarks (only with Diagnostics:CountStorageRequests=true).", UsesStorage = false)]
    [ApiResponse(200, "The count.", Type = typeof(StorageRequestCount))]
    [ApiProblem(404, "Counting is not enabled.")]
    public IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/diagnostics/storage-requests")] HttpRequest request) =>
        counter is null
            ? throw new NotFoundException("counter", "storage requests")
            : TypedResults.Ok(new StorageRequestCount(counter.Count));
}
