namespace Serverless.Functions.OpenApi;

/// <summary>Which way a type travels: requests are described as strictly as the server reads them, responses
/// as the server writes them (nulls are omitted, so nothing is ever <c>null</c>).</summary>
public enum SchemaUse { Request, Response }
