using System.Diagnostics;
using Serverless.DevHost.Functions;

namespace Serverless.DevHost.Worker;

/// <summary>What every worker of this devhost is started with: the app, devhost's gRPC endpoint and the app settings.</summary>
public sealed class WorkerLaunchSettings(FunctionApp app, Uri grpcUri, IReadOnlyDictionary<string, string?> appSettings)
{
    public Uri GrpcUri { get; } = grpcUri;

    public IReadOnlyDictionary<string, string?> AppSettings { get; } = appSettings;

    public ProcessStartInfo StartInfo(string workerId) =>
        WorkerCommandLine.Create(app, GrpcUri, workerId, Guid.NewGuid().ToString(), AppSettings);
}
