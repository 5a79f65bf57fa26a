using Serverless.Errors;
using Serverless.Names;

namespace Serverless.Validation;

/// <summary>Names a client may give a new queue. Like RabbitMQ, names starting with <c>amq.</c> are
/// reserved (RabbitMQ refuses them with ACCESS_REFUSED); here that is a 400 naming <c>queue</c>, as for
/// every name that breaks the naming rule and as for reserved exchange names.</summary>
public static class QueueNameRules
{
    public const string Reserved = "names starting with 'amq.' are reserved";

    /// <summary>Throws a 400 naming <c>queue</c> when <paramref name="queue"/> may not be declared.</summary>
    public static void EnsureDeclarable(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (ResourceName.IsReserved(queue)) throw InvalidRequestException.For("queue", Reserved);
    }
}
