using HealthEvents.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthEvents.Http.Operations;

/// <summary>Ready only while the store could take a write now (<see cref="IHealthStore.PingAsync"/>).</summary>
public sealed class StoreHealthCheck(IHealthStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The store did not answer in time.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The exception's type only: a driver's message can carry a connection string.
            return HealthCheckResult.Unhealthy($"The store cannot take writes ({ex.GetType().Name}).");
        }
    }
}
