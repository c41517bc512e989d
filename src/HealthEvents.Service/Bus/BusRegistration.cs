using HealthEvents.Service.HealthChecks;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HealthEvents.Service.Bus;

public static class BusRegistration
{
    /// <summary>
    /// MassTransit with the check consumer, on RabbitMQ or the in-memory transport (<c>Bus:Transport</c>),
    /// and the services that go with the bus. <paramref name="addMassTransit"/> lets tests register it
    /// through MassTransit's test harness instead; the composition stays the same.
    /// </summary>
    public static IHostApplicationBuilder AddHealthEventsBus(
        this IHostApplicationBuilder builder,
        Action<IServiceCollection, Action<IBusRegistrationConfigurator>>? addMassTransit = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthEventsBusOptions();
        var transport = builder.Configuration[$"{BusOptions.SectionName}:{nameof(BusOptions.Transport)}"] ?? "InMemory";
        (addMassTransit ?? ((services, configure) => services.AddMassTransit(configure)))(builder.Services, x => ConfigureBus(x, transport));
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddHostedService<OutboxSweeper>();
        builder.Services.AddHostedService<StartupReport>();
        return builder;
    }

    private static IServiceCollection AddHealthEventsBusOptions(this IServiceCollection services)
    {
        services.AddOptions<BusOptions>()
            .BindConfiguration(BusOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.RabbitMqUri.Scheme is "amqp" or "amqps" or "rabbitmq" or "rabbitmqs",
                "Bus:RabbitMqUri must be an amqp:// or amqps:// address.")
            .ValidateOnStart();
        return services;
    }

    private static void ConfigureBus(IBusRegistrationConfigurator x, string transport)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.AddConsumer<HealthCheckRequestedConsumer, HealthCheckRequestedConsumerDefinition>();
        x.SetKebabCaseEndpointNameFormatter();

        if (transport != "RabbitMq")
        {
            // Embedded default: one process, nothing to install. Messages do not survive a restart.
            x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            return;
        }

        x.UsingRabbitMq((context, cfg) =>
        {
            var options = context.GetRequiredService<IOptions<BusOptions>>().Value;
            var broker = RabbitMqAddress.Parse(options.RabbitMqUri);
            cfg.Host(broker.Host, broker.Port, broker.VirtualHost, h =>
            {
                h.Username(broker.Username);
                h.Password(broker.Password);
                if (broker.UseSsl)
                {
                    h.UseSsl(_ => { });
                }
            });
            cfg.ConfigureEndpoints(context);
        });
    }
}
