using Serverless.Testing;

namespace Serverless.IntegrationTests;

/// <summary>Tests in this collection share one service process and its two regions.
/// xunit only finds collection definitions in the test assembly itself, hence this file.</summary>
[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
