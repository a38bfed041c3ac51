using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Notes.Infrastructure.Health;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: and the database answers too (else 503).</summary>
public static class HealthSetup
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddNotesHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(3));
        return services;
    }

    public static WebApplication MapNotesHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .ExcludeFromDescription();
        return app;
    }
}
