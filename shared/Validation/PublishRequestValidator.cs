using System.Text;
using System.Text.Json;
using FluentValidation;
using Serverless.Messages;

namespace Serverless.Validation;

public sealed class PublishRequestValidator : AbstractValidator<PublishRequest>
{
    public const int MaxMessages = 100;

    public PublishRequestValidator()
    {
        RuleFor(r => r.Messages).NotNull().WithMessage("is required: one message or { \"messages\": [ ... ] }");
        RuleFor(r => r.Messages!.Count).InclusiveBetween(1, MaxMessages).OverridePropertyName("messages")
            .WithMessage("must hold 1-100 messages").When(r => r.Messages is not null);
        RuleForEach(r => r.Messages).NotNull().SetValidator(new PublishMessageValidator()).When(r => !r.Single);
        RuleFor(r => r.Messages![0]).SetValidator(new PublishMessageValidator()).OverridePropertyName("")
            .When(r => r.Single && r.Messages is [not null]);
    }
}

public sealed class PublishMessageValidator : AbstractValidator<PublishMessage>
{
    public const int MaxBodyBytes = 256 * 1024;
    public const int MaxHeaders = 64;
    public const int MaxHeadersJsonChars = 16 * 1024;

    public PublishMessageValidator()
    {
        RuleFor(m => m.Body).NotNull().WithMessage("is required (may be empty)");
        RuleFor(m => m.BodyEncoding).IsInEnum();
        RuleFor(m => m.Body).Must(BeBase64).WithMessage("is not valid base64")
            .When(m => m.BodyEncoding == BodyEncoding.Base64 && m.Body is not null);
        RuleFor(m => m.Body).Must((m, body) => DecodedLength(m) <= MaxBodyBytes)
            .WithMessage($"is larger than {MaxBodyBytes} bytes after decoding").WithErrorCode(ValidationConventions.TooLarge)
            .When(m => m.Body is not null && (m.BodyEncoding != BodyEncoding.Base64 || BeBase64(m.Body)));
        RuleFor(m => m.MessageId).Length(1, 128).Must(NotHaveControlCharacters).WithMessage("must be 1-128 printable characters")
            .When(m => m.MessageId is not null);
        RuleFor(m => m.RoutingKey).ValidKey();
        RuleFor(m => m.ContentType).MaximumLength(255);
        RuleFor(m => m.CorrelationId).MaximumLength(255);
        RuleFor(m => m.ReplyTo).MaximumLength(255);
        RuleFor(m => m.Priority).InclusiveBetween(0, 255);
        RuleFor(m => m.TtlSeconds).InclusiveBetween(0, 31_536_000);
        RuleFor(m => m.DelaySeconds).InclusiveBetween(0, 604_800);
        RuleFor(m => m.Headers!.Count).LessThanOrEqualTo(MaxHeaders).OverridePropertyName("headers").When(m => m.Headers is not null);
        RuleFor(m => m.Headers).Must(h => JsonSerializer.Serialize(h).Length <= MaxHeadersJsonChars)
            .WithMessage($"must serialize to at most {MaxHeadersJsonChars} characters")
            .When(m => m.Headers is not null && m.Headers.Values.All(v => StorableJson.ProblemOf(v) is null));
        RuleForEach(m => m.Headers).Must(h => h.Key.Length is > 0 and <= 255)
            .WithMessage("header names must be 1-255 characters").When(m => m.Headers is not null);
        RuleForEach(m => m.Headers).Must(h => h.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null)
            .WithMessage("header values must be strings, numbers, booleans or null").When(m => m.Headers is not null);
        RuleFor(m => m.Headers).Custom((headers, context) => StorableJson.Check(headers, "headers", context));
    }

    private static bool BeBase64(string? body) => body is not null && Convert.TryFromBase64String(body, new byte[body.Length], out _);

    private static long DecodedLength(PublishMessage m) => m.BodyEncoding == BodyEncoding.Base64
        ? m.Body!.Length / 4L * 3 - m.Body.TakeLast(2).Count(c => c == '=')
        : Encoding.UTF8.GetByteCount(m.Body!);

    private static bool NotHaveControlCharacters(string? id) => id is null || !id.Any(char.IsControl);
}
