using FluentValidation;
using Serverless.Names;
using Serverless.Queues;

namespace Serverless.Validation;

public sealed class QueueArgumentsValidator : AbstractValidator<QueueArguments>
{
    public QueueArgumentsValidator()
    {
        RuleFor(a => a.VisibilityTimeoutSeconds).InclusiveBetween(1, 43200);
        RuleFor(a => a.MessageTtlSeconds).InclusiveBetween(0, 31_536_000);
        RuleFor(a => a.ExpiresSeconds).InclusiveBetween(1, 31_536_000);
        RuleFor(a => a.MaxLength).GreaterThanOrEqualTo(0);
        RuleFor(a => a.MaxLengthBytes).GreaterThanOrEqualTo(0);
        RuleFor(a => a.Overflow).IsInEnum();
        RuleFor(a => a.DeadLetterExchange)
            .Must(x => x == "" || ResourceName.IsValid(x)).WithMessage("must be \"\" (the default exchange) or an exchange name that " + ResourceName.Rule)
            .When(a => a.DeadLetterExchange is not null);
        RuleFor(a => a.DeadLetterRoutingKey).ValidKey();
        RuleFor(a => a.DeliveryLimit).InclusiveBetween(1, 10_000);
        RuleFor(a => a.MaxPriority).InclusiveBetween(1, 9);
        RuleFor(a => a.DelaySeconds).InclusiveBetween(0, 604_800);
        RuleFor(a => a.DeduplicationWindowSeconds).InclusiveBetween(0, 604_800);
        RuleFor(a => a.Replication).IsInEnum();
        RuleFor(a => a.MaxReplicationLagSeconds).InclusiveBetween(1, 3600);
        RuleFor(a => a.Shards).InclusiveBetween(1, 16);
    }
}

public sealed class DeclareQueueRequestValidator : AbstractValidator<DeclareQueueRequest>
{
    public DeclareQueueRequestValidator()
    {
        RuleFor(r => r.Arguments!).SetValidator(new QueueArgumentsValidator()).When(r => r.Arguments is not null);
    }
}
