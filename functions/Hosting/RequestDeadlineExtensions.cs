namespace Serverless.Functions.Hosting;

public static class RequestDeadlineExtensions
{
    /// <summary>Lets a long poll wait <paramref name="wait"/> beyond the request's deadline.</summary>
    public static void ExtendDeadline(this HttpRequest request, TimeSpan wait) =>
        request.HttpContext.Features.Get<RequestDeadline>()?.ExtendBy(wait);
}
