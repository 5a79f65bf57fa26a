using Serverless.Functions.Hosting;
using Serverless.Storage;

namespace Serverless.Functions;

[HttpTrigger("GET", "v1/diagnostics/storage-requests", Response = typeof(StorageRequestCount),
    Summary = "Storage requests sent since start (admin; only with Diagnostics:CountStorageRequests=true, else 404). For benchmarks.")]
public sealed class GetStorageRequestCount(StorageRequestCounter? counter = null) : IHttpFunction
{
    public Task<IResult> RunAsync(HttpContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(counter is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not enabled.",
                detail: "Storage requests are counted only with Diagnostics:CountStorageRequests=true.")
            : Results.Ok(new StorageRequestCount(counter.Count)));
}

/// <summary>The answer of <see cref="GetStorageRequestCount"/>.</summary>
public sealed record StorageRequestCount(long Requests);
