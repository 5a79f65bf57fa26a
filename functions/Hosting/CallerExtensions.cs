using Serverless.Access;

namespace Serverless.Functions.Hosting;

/// <summary>The authenticated caller of an HTTP request, as <see cref="AccessMiddleware"/> found it.</summary>
public static class CallerExtensions
{
    private static readonly object Key = new();

    public static void SetCaller(this HttpContext http, Caller caller) => http.Items[Key] = caller;

    /// <summary>The caller; only functions under <c>/api/v1</c> have one.</summary>
    public static Caller GetCaller(this HttpContext http) =>
        http.Items.TryGetValue(Key, out var caller) && caller is Caller known
            ? known
            : throw new InvalidOperationException("No caller: the function is not behind AccessMiddleware.");

    public static Caller GetCaller(this HttpRequest request) => request.HttpContext.GetCaller();
}
