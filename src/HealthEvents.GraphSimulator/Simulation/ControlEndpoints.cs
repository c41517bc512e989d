using HealthEvents.GraphSimulator.Scenarios;

namespace HealthEvents.GraphSimulator.Simulation;

/// <summary>
/// <c>/_sim</c>: lets the demo, benchmarks and other processes read the call log and change the
/// simulation while it runs. Not part of Meta's API.
/// </summary>
public static class ControlEndpoints
{
    public static void MapControlEndpoints(this IEndpointRouteBuilder app)
    {
        var sim = app.MapGroup("/_sim");
        sim.MapGet("/calls", (SimulatorState state) => Results.Json(state.Calls, Scenario.JsonOptions));
        sim.MapDelete("/calls", (SimulatorState state) =>
        {
            state.ClearCalls();
            return Results.NoContent();
        });
        sim.MapPut("/health/{id}", (string id, NodeHealth health, SimulatorState state) =>
        {
            state.SetHealth(id, health);
            return Results.NoContent();
        });
        sim.MapPost("/faults", (FaultRule rule, SimulatorState state) =>
        {
            state.AddFault(rule);
            return Results.NoContent();
        });
        sim.MapPut("/webhooks", (WebhookSettings settings, WebhookSender webhooks) =>
        {
            webhooks.Subscribe(settings);
            return Results.NoContent();
        });
        sim.MapDelete("/faults", (SimulatorState state) =>
        {
            state.ClearFaults();
            return Results.NoContent();
        });
    }
}
