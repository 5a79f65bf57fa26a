using FluentValidation;
using Serverless.Events;

namespace Serverless.Validation;

public sealed class EventsRequestValidator : AbstractValidator<EventsRequest>
{
    public EventsRequestValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, EventPublisher.Retained);
    }
}
