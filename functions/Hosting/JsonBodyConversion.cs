using Microsoft.Azure.Functions.Worker.Extensions.Http.Converters;

namespace Serverless.Functions.Hosting;

/// <summary>Binds <c>[FromBody]</c> parameters with <see cref="RequestBinding"/> instead of MVC model binding:
/// the API's JSON options, 415 for other media types, the request's validator, and 4xx naming the field
/// (MVC's binder would turn every one of those into a generic binding failure).</summary>
public sealed class JsonBodyConversion : IFromBodyConversionFeature
{
    public static JsonBodyConversion Instance { get; } = new();

    public async ValueTask<object?> ConvertAsync(FunctionContext context, Type targetType)
    {
        var http = context.GetHttpContext()
            ?? throw new InvalidOperationException($"{context.FunctionDefinition.Name} binds a body outside an HTTP invocation.");
        var optional = HttpFunctions.Find(context.FunctionDefinition.Name)?.BodyIsOptional ?? false;
        var body = await RequestBinding.ReadJsonAsync(http.Request, targetType, optional, http.RequestAborted);
        // Resources named in the body (a binding's source and destination) need permissions of their own.
        if (body is Access.IAccessDemands demands && context.BindingContext.BindingData.TryGetValue("vhost", out var vhost) && vhost is not null)
        {
            http.GetCaller().DemandAll(demands, vhost.ToString()!);
        }
        return body;
    }
}
