using System.Text.RegularExpressions;
using FluentValidation;
using Serverless.Messages;
using Serverless.Names;
using Serverless.Policies;
using Serverless.Routing;

namespace Serverless.Validation;

public sealed class DeclareExchangeRequestValidator : AbstractValidator<DeclareExchangeRequest>
{
    public DeclareExchangeRequestValidator()
    {
        RuleFor(r => r.Type).NotNull().WithMessage("is required: direct, fanout, topic or headers").IsInEnum();
        RuleFor(r => r.AlternateExchange).Must(ResourceName.IsValid).WithMessage(ResourceName.Rule).When(r => r.AlternateExchange is not null);
    }
}

public sealed class CreateBindingRequestValidator : AbstractValidator<CreateBindingRequest>
{
    public CreateBindingRequestValidator()
    {
        RuleFor(r => r.Source).NotNull().WithMessage("is required").Must(ResourceName.IsValid).WithMessage(ResourceName.Rule);
        RuleFor(r => r.Destination).NotNull().WithMessage("is required").Must(ResourceName.IsValid).WithMessage(ResourceName.Rule);
        RuleFor(r => r.DestinationType).IsInEnum();
        RuleFor(r => r.RoutingKey).ValidKey();
        RuleFor(r => r.Arguments).Must(a => a is null || !a.TryGetValue(HeadersMatcher.MatchModeArgument, out var mode)
                || (mode.ValueKind == System.Text.Json.JsonValueKind.String && StorableJson.TryGetString(mode, out var text) && HeadersMatcher.IsValidMatchMode(text)))
            .WithMessage("x-match must be all, any, all-with-x or any-with-x");
        RuleFor(r => r.Arguments).Custom((arguments, context) => StorableJson.Check(arguments, "arguments", context));
    }
}

public sealed class PutPolicyRequestValidator : AbstractValidator<PutPolicyRequest>
{
    public PutPolicyRequestValidator()
    {
        RuleFor(r => r.Pattern).NotEmpty().WithMessage("is required").Must(BeARegex).WithMessage("is not a valid regular expression");
        RuleFor(r => r.ApplyTo).IsInEnum();
        RuleFor(r => r.Priority).InclusiveBetween(0, 1000);
        RuleFor(r => r.Definition).NotNull().WithMessage("is required");
        RuleFor(r => r.Definition!).SetValidator(new QueueArgumentsValidator()).When(r => r.Definition is not null);
        RuleFor(r => r.Definition!.AlternateExchange).Must(ResourceName.IsValid).WithMessage(ResourceName.Rule)
            .OverridePropertyName("definition.alternateExchange").When(r => r.Definition?.AlternateExchange is not null);
        // A queue's partitions are fixed at declare: fewer would strand messages, any change moves dedup rows.
        RuleFor(r => r.Definition!.Shards).Null().WithMessage("is fixed when a queue is declared; a policy cannot set it")
            .OverridePropertyName("definition.shards").When(r => r.Definition is not null);
    }

    private static bool BeARegex(string? pattern)
    {
        try
        {
            _ = new Regex(pattern ?? "", RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

public sealed class RedriveRequestValidator : AbstractValidator<RedriveRequest>
{
    public RedriveRequestValidator()
    {
        RuleFor(r => r.MaxMessages).InclusiveBetween(1, 10_000);
        RuleFor(r => r.Destination).Must(ResourceName.IsValid).WithMessage(ResourceName.Rule).When(r => r.Destination is not null);
    }
}
