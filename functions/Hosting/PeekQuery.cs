using Serverless.Errors;
using Serverless.Messages;

namespace Serverless.Functions.Hosting;

/// <summary>Binds <c>?state=&amp;limit=</c> of the peek function.</summary>
public static class PeekQuery
{
    public static PeekRequest Parse(IQueryCollection query)
    {
        PeekState? state = null;
        if (query["state"].ToString() is { Length: > 0 } rawState)
        {
            state = Enum.TryParse<PeekState>(rawState, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(rawState, out _)
                ? parsed
                : throw InvalidRequestException.For("state", "must be ready, inFlight, delayed or deadLettered");
        }
        return new PeekRequest { State = state, Limit = query.QueryInteger("limit", "must be an integer 1-100") };
    }
}
