using FluentValidation;
using Serverless.Access;
using Serverless.Names;

namespace Serverless.Validation;

/// <summary>A key names its vhost and all three permissions (RabbitMQ's <c>set_permissions</c> takes all three;
/// <c>""</c> grants nothing), each a regex this service can match in linear time.</summary>
public sealed class CreateKeyRequestValidator : AbstractValidator<CreateKeyRequest>
{
    public CreateKeyRequestValidator()
    {
        RuleFor(r => r.Vhost).NotNull().WithMessage("is required").Must(ResourceName.IsValid).WithMessage(ResourceName.Rule);
        RuleFor(r => r.Configure).Custom((pattern, context) => Check(pattern, context));
        RuleFor(r => r.Write).Custom((pattern, context) => Check(pattern, context));
        RuleFor(r => r.Read).Custom((pattern, context) => Check(pattern, context));
    }

    private static void Check(string? pattern, ValidationContext<CreateKeyRequest> context)
    {
        if (PermissionPattern.Problem(pattern) is { } problem) context.AddFailure(problem);
    }
}
