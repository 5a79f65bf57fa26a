using Serverless.Testing;

namespace Serverless.IntegrationTests.Fuzz;

/// <summary>What came back for one fuzz case: the response, or why there was none (a hang, a dropped connection).</summary>
public sealed record FuzzAnswer(RawHttpResponse? Response, TimeSpan Elapsed, string? Failure);
