using FluentValidation;
using Serverless.Failover;

namespace Serverless.Validation;

public sealed class FailoverRequestValidator : AbstractValidator<FailoverRequest>
{
    public FailoverRequestValidator()
    {
        RuleFor(r => r.Mode).NotEmpty().WithMessage("is required: planned or forced");
        RuleFor(r => r.Mode).Must(m => m is FailoverModes.Planned or FailoverModes.Forced).When(r => !string.IsNullOrEmpty(r.Mode)).WithMessage("must be planned or forced");
    }
}

public sealed class AutoFailoverRequestValidator : AbstractValidator<AutoFailoverRequest>
{
    public AutoFailoverRequestValidator()
    {
        RuleFor(r => r.ProbeIntervalSeconds).InclusiveBetween(1, 3600);
        RuleFor(r => r.FailureThreshold).InclusiveBetween(1, 100);
        RuleFor(r => r.Promote).Must(p => p is null or AutoFailoverSettings.WhenSynced or AutoFailoverSettings.Always).WithMessage("must be whenSynced or always");
    }
}
