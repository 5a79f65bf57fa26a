namespace Serverless.Functions.Diagnostics;

/// <summary>The answer of <see cref="GetStorageRequestCount"/>.</summary>
public sealed record StorageRequestCount(long Requests);
