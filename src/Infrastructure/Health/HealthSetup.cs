using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Notes.Infrastructure.Health;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: and the database answers too, and the instance is
/// not shutting down (else 503).
/// </summary>
public static class HealthSetup
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddNotesHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DrainHealthCheck>("draining", HealthStatus.Degraded, [ReadyTag])
            .AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(3));
        return services;
    }

    public static WebApplication MapNotesHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .ExcludeFromDescription();
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) };
        // Draining is Degraded (a routine shutdown, logged as a warning, not an error): not ready either.
        ready.ResultStatusCodes[HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable;
        app.MapHealthChecks("/health/ready", ready)
            .ExcludeFromDescription();
        return app;
    }
}
