using HealthEvents.Core.HealthChecks;
using HealthEvents.Core.Hosting;
using HealthEvents.Core.Parking;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HealthEvents.Core.Bus;

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
        builder.Services.AddOptions<BusOptions>()
            .BindConfiguration(BusOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.RabbitMqUri.IsAbsoluteUri && o.RabbitMqUri.Scheme is "amqp" or "amqps" or "rabbitmq" or "rabbitmqs",
                "Bus:RabbitMqUri must be an amqp:// or amqps:// address.")
            .ValidateOnStart();

        // The transport decides what MassTransit registers, so it is read once here, with the same binding.
        var transport = builder.Configuration.GetSection(BusOptions.SectionName).Get<BusOptions>()?.Transport ?? BusTransport.InMemory;
        if (transport == BusTransport.RabbitMq)
        {
            builder.Services.AddSingleton<BrokerConnector>();
            // Since when this process is the work queue's active consumer, learnt from its endpoint.
            builder.Services.AddSingleton<WorkQueueActivity>();
            builder.Services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<WorkQueueActivity>());
            // Registered before MassTransit's own hosted service: the topology exists before the bus starts.
            builder.Services.AddHostedService<RabbitMqCheckTopology>();
        }

        builder.Services.AddSingleton<CheckArrivals>();
        builder.Services.AddOptions<UsageTelemetryOptions>().Configure<IOptions<BusOptions>>((telemetry, bus) => telemetry.Enabled = bus.Value.UsageTelemetry);
        builder.Services.AddSingleton(sp => CheckQueues.From(sp.GetRequiredService<IOptions<BusOptions>>().Value));
        (addMassTransit ?? ((services, configure) => services.AddMassTransit(configure)))(builder.Services, x => ConfigureBus(x, transport));
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        if (transport == BusTransport.RabbitMq)
        {
            builder.Services.AddSingleton<RabbitMqParking>();
            builder.Services.AddSingleton<ICheckParking>(sp => sp.GetRequiredService<RabbitMqParking>());
            builder.Services.AddSingleton<RabbitMqPublishFlow>();
            builder.Services.AddSingleton<IPublishFlow>(sp => sp.GetRequiredService<RabbitMqPublishFlow>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RabbitMqPublishFlow>());
        }
        else
        {
            builder.Services.AddSingleton<ICheckParking, InMemoryParking>();
            builder.Services.AddSingleton<IPublishFlow, AlwaysOpenPublishFlow>();
        }

        builder.Services.AddHostedService<OutboxSweeper>();
        builder.Services.AddHostedService<Refresh.ScheduledRefresh>();
        builder.Services.AddHostedService<StartupReport>();
        return builder;
    }

    private static void ConfigureBus(IBusRegistrationConfigurator x, BusTransport transport)
    {
        x.SetKebabCaseEndpointNameFormatter();

        switch (transport)
        {
            case BusTransport.RabbitMq:
                // Every instance moves checks from the entry queue into the work queue; the one the
                // broker makes the work queue's active consumer runs them (CheckQueues).
                x.AddConsumer<EntryForwarder, EntryForwarderDefinition>();
                x.AddConsumer<HealthCheckRequestedConsumer, HealthCheckRequestedConsumerDefinition>();
                x.AddConsumer<NearParkedCheckConsumer, NearParkedCheckConsumerDefinition>();
                x.UsingRabbitMq((context, cfg) =>
                {
                    BrokerAddress.Host(cfg, context.GetRequiredService<IOptions<BusOptions>>().Value.RabbitMqUri);
                    var queues = context.GetRequiredService<CheckQueues>();
                    cfg.SendTopology.ErrorQueueNameFormatter = queues;
                    cfg.SendTopology.DeadLetterQueueNameFormatter = queues;
                    // MassTransit gives an endpoint's error queue the endpoint's queue arguments: the
                    // work queue's would make the shared error queue a single-active-consumer quorum
                    // queue, which refuses basic.get (the replay) and the entry endpoint's declaration.
                    cfg.SendTopology.ConfigureErrorSettings = CheckQueues.PlainQueue;
                    cfg.SendTopology.ConfigureDeadLetterSettings = CheckQueues.PlainQueue;
                    cfg.ConfigureEndpoints(context);
                });
                break;
            default:
                x.AddConsumer<HealthCheckRequestedConsumer, HealthCheckRequestedConsumerDefinition>();
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
                break;
        }
    }
}
