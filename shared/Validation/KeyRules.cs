using System.Text;
using FluentValidation;

namespace Serverless.Validation;

/// <summary>Routing and binding keys are AMQP short strings: at most 255 bytes once encoded as UTF-8,
/// so a key of 128 "é" (128 UTF-16 units, 256 bytes) is too long, as it is for RabbitMQ.</summary>
public static class KeyRules
{
    public const int MaxKeyBytes = 255;

    public static IRuleBuilderOptions<T, string?> ValidKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(key => key is null || Encoding.UTF8.GetByteCount(key) <= MaxKeyBytes)
            .WithMessage($"must be at most {MaxKeyBytes} bytes of UTF-8");
}
