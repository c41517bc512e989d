using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthEvents.Gate;

/// <summary>
/// The gate's readiness, for the sender's own probe (registered as the health check
/// <c>healthevents-gate</c>): unhealthy until its queue consumes and the load on start is done,
/// with what it waits for.
/// </summary>
internal sealed class GateReadiness : IHealthCheck
{
    private volatile string _waitingFor = "its queue to consume";

    public bool IsReady => _waitingFor.Length == 0;

    public void WaitingFor(string what) => _waitingFor = what;

    public void Ready() => _waitingFor = "";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsReady ? HealthCheckResult.Healthy("The gate's view is loaded and live.") : HealthCheckResult.Unhealthy($"The gate waits for {_waitingFor}."));
}
