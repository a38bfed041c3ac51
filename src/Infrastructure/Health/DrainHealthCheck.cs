using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Notes.Infrastructure.Health;

/// <summary>
/// Not ready once the application is stopping (SIGTERM): a balancer takes the instance out while it drains.
/// Degraded rather than Unhealthy, as a routine shutdown is no error; <c>/health/ready</c> answers 503 for both.
/// </summary>
internal sealed class DrainHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Degraded("The instance is shutting down and draining its requests.")
            : HealthCheckResult.Healthy("The instance is not shutting down."));
}
