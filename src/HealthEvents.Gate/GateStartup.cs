using HealthEvents.Contracts;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HealthEvents.Gate;

/// <summary>
/// Connects the gate's receive endpoint to the sender's bus (MassTransit binds it to the published
/// <see cref="HealthStatusChanged"/>), then loads each configured space's changes from
/// <c>/v1/events</c>, trying again with growing waits (1 s … 30 s) until it can; ready after both.
/// Events that arrive during the load are applied too: versions only move forward, so the order
/// of the two does not matter.
/// </summary>
internal sealed class GateStartup(
    IReceiveEndpointConnector connector, HealthView view, HealthEventsQueryApi queryApi, HealthGateOptions options,
    GateReadiness readiness, TimeProvider time, ILogger<GateStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void Endpoint(IReceiveEndpointConfigurator e) => e.Handler<HealthStatusChanged>(context =>
        {
            view.Apply(NodeState.From(context.Message));
            return Task.CompletedTask;
        });

        var handle = options.QueueName is { } queue
            ? connector.ConnectReceiveEndpoint(queue, (_, e) => Endpoint(e))
            : connector.ConnectReceiveEndpoint(new TemporaryEndpointDefinition("healthevents-gate"), DefaultEndpointNameFormatter.Instance, (_, e) => Endpoint(e));
        await handle.Ready.WaitAsync(stoppingToken);

        var since = time.GetUtcNow() - options.LoadSince;
        foreach (var space in options.CustSpaceIds)
        {
            readiness.WaitingFor($"the changes of {space} since {since:O} (GET /v1/events)");
            await LoadAsync(space, since, stoppingToken);
        }

        readiness.Ready();
        logger.LogInformation("HealthEvents gate ready: {Nodes} nodes known", view.Count);
    }

    private async Task LoadAsync(string space, DateTimeOffset since, CancellationToken stoppingToken)
    {
        for (var wait = TimeSpan.FromSeconds(1); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(30).Ticks)))
        {
            try
            {
                await foreach (var change in queryApi.ChangesAsync(space, since, stoppingToken))
                {
                    view.Apply(NodeState.From(change));
                }

                return;
            }
            catch (HealthEventsQueryException ex)
            {
                readiness.WaitingFor($"the changes of {space} (last try: {ex.Message})");
                logger.LogWarning("HealthEvents gate could not load {CustSpaceId} yet: {Problem}; trying again in {Wait}", space, ex.Message, wait);
                await Task.Delay(wait, time, stoppingToken);
            }
        }
    }
}
