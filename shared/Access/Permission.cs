namespace Serverless.Access;

/// <summary>RabbitMQ's three permissions, each a regex over resource names in a vhost.</summary>
public enum Permission
{
    /// <summary>Declare and delete queues, exchanges, bindings (as their destination) and policies.</summary>
    Configure,

    /// <summary>Publish to an exchange or a queue.</summary>
    Write,

    /// <summary>Receive, ack, nack, extend, peek and purge a queue; bind from an exchange.</summary>
    Read,
}
