using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Hosting;
using Serverless.Storage;
using Serverless.Storage.Events;

namespace Serverless.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>Registers the event publisher (also a hosted service, so that stopping the host delivers what is
    /// queued), the events table of the primary region, the feed that reads it, and the <c>EventGrid</c> options.</summary>
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddOptions<EventGridOptions>().BindConfiguration(EventGridOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventGridOptions>, EventGridOptionsValidator>();
        services.AddSingleton<IEventStore, PrimaryEventStore>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<EventPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<EventPublisher>());
        services.AddSingleton<EventFeed>();
        return services;
    }
}
