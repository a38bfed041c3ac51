using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notes.Infrastructure.Database;

namespace Notes.Infrastructure.Health;

internal sealed class DatabaseHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var session = store.QuerySession();
            await session.QueryAsync<int>("select 1", cancellationToken);
            return HealthCheckResult.Healthy("The database answers.");
        }
        catch (Exception exception) when (DatabaseErrors.IsUnavailable(exception) || exception is OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The database does not answer: {DatabaseErrors.Reason(exception)}");
        }
    }
}
