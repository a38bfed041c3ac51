using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notes.Infrastructure.Database;

namespace Notes.Infrastructure.Health;

/// <summary>The database answers where this instance reads (the queries' side): what it needs to serve at all.</summary>
internal sealed class DatabaseHealthCheck(ISessionFactory sessions) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var session = sessions.QuerySession();
            await session.QueryAsync<int>("select 1", cancellationToken);
            return HealthCheckResult.Healthy("The database answers.");
        }
        catch (Exception exception) when (DatabaseErrors.IsUnavailable(exception) || exception is OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The database does not answer: {DatabaseErrors.Reason(exception)}");
        }
    }
}
