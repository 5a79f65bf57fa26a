using FluentValidation;
using Serverless.Messages;

namespace Serverless.Validation;

public sealed class ReceiveRequestValidator : AbstractValidator<ReceiveRequest>
{
    public ReceiveRequestValidator()
    {
        RuleFor(r => r.MaxMessages).InclusiveBetween(1, 100);
        RuleFor(r => r.VisibilityTimeoutSeconds).InclusiveBetween(1, 43200);
        RuleFor(r => r.WaitSeconds).InclusiveBetween(0, 20);
        // Auto-ack takes no lease: a visibility timeout would be ignored, so it is refused rather than dropped silently.
        RuleFor(r => r.VisibilityTimeoutSeconds).Null().WithMessage("applies only with ackMode: manual").When(r => r.AckMode == AckMode.Auto);
    }
}

public sealed class AckRequestValidator : AbstractValidator<AckRequest>
{
    public AckRequestValidator() => RuleFor(r => r.Receipts).ValidReceipts();
}

public sealed class NackRequestValidator : AbstractValidator<NackRequest>
{
    public NackRequestValidator()
    {
        RuleFor(r => r.Receipts).ValidReceipts();
        RuleFor(r => r.DelaySeconds).InclusiveBetween(0, 604_800);
        RuleFor(r => r.DelaySeconds).Equal(0).WithMessage("applies only with requeue: true").When(r => r.Requeue == false && r.DelaySeconds is > 0);
    }
}

public sealed class ExtendRequestValidator : AbstractValidator<ExtendRequest>
{
    public ExtendRequestValidator()
    {
        RuleFor(r => r.Receipts).ValidReceipts();
        RuleFor(r => r.VisibilityTimeoutSeconds).InclusiveBetween(1, 43200);
    }
}

public sealed class PeekRequestValidator : AbstractValidator<PeekRequest>
{
    public PeekRequestValidator()
    {
        RuleFor(r => r.State).IsInEnum();
        RuleFor(r => r.Limit).InclusiveBetween(1, 100);
    }
}

internal static class ReceiptRules
{
    public static IRuleBuilderOptions<T, List<string>?> ValidReceipts<T>(this IRuleBuilder<T, List<string>?> rule) =>
        rule.NotNull().WithMessage("is required")
            .Must(r => r is { Count: >= 1 and <= 100 }).WithMessage("must hold 1-100 receipts")
            .Must(r => r is null || r.All(x => !string.IsNullOrEmpty(x))).WithMessage("must not hold empty receipts");
}
