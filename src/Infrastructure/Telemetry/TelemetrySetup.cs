using Notes.Infrastructure.Auth;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Notes.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry for the API: metrics of requests, the Npgsql pool, Kestrel and the runtime, served at
/// <c>/metrics</c> in the Prometheus text format (and sent over OTLP when an endpoint is configured); traces of
/// requests and database commands when they have somewhere to go (see <see cref="TelemetrySettings"/>). A route is
/// one use case and a status one outcome, so ASP.NET Core's request metrics and spans say what a use case did.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";
    public const string ServiceName = "notes-api";

    /// <summary>The meters exported; each one emits only while something listens, so none costs more unlisted.</summary>
    private static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", // http.server.request.duration by route, method and status; active requests
        "Microsoft.AspNetCore.Server.Kestrel", // connections
        "Microsoft.AspNetCore.Diagnostics", // exceptions the exception handler met
        "Npgsql", // the connection pool (its per-command instruments are dropped: see PerCommandInstruments)
        "System.Runtime", // GC, thread pool, CPU and working set (the runtime's own meter since .NET 9)
    ];

    /// <summary>
    /// Npgsql's measurements of every command: left out, as they cost more on the hot path than they tell beyond the
    /// request durations (a request runs one statement), and an instrument no view keeps is never recorded at all.
    /// </summary>
    private static readonly string[] PerCommandInstruments =
    [
        "db.client.commands.executing",
        "db.client.commands.duration",
        "db.client.commands.bytes_written",
        "db.client.commands.bytes_read",
        "db.client.commands.prepared_ratio",
        "db.client.commands.failed",
    ];

    public static WebApplicationBuilder AddNotesTelemetry(this WebApplicationBuilder builder)
    {
        var settings = TelemetrySettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        if (!settings.Enabled)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? ServiceName,
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddPrometheusExporter();
                foreach (var instrument in PerCommandInstruments)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }

                if (settings.ExportOtlp)
                {
                    metrics.AddOtlpExporter();
                }
            });

        if (settings.Tracing)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SampleRatio)))
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsInfrastructure(context.Request.Path))
                    .AddSource("Npgsql");
                if (settings.ExportOtlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        return builder;
    }

    /// <summary>First in the pipeline, so that its request log sees the status the client gets, errors included.</summary>
    public static WebApplication UseNotesRequestLog(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TelemetrySettings>().Enabled)
        {
            app.UseMiddleware<RequestLogMiddleware>();
        }

        return app;
    }

    /// <summary>
    /// <c>GET /metrics</c>: the Prometheus text format, left out of the OpenAPI document, and not served to the API's
    /// clients. With <c>Metrics:Port</c>, only on connections to that port (one of the server's URLs, kept off the
    /// public network); else, when callers sign in, only to a token with the scope <see cref="AuthSettings.MetricsScope"/>.
    /// In open mode, as the API itself, it is served to whoever may reach the server (loopback unless told otherwise).
    /// </summary>
    public static WebApplication MapNotesMetrics(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<TelemetrySettings>().Enabled)
        {
            return app;
        }

        if (app.Configuration.GetValue<int?>("Metrics:Port") is { } port)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Connection.LocalPort == port && context.Request.Path.Equals(MetricsPath, StringComparison.OrdinalIgnoreCase));
        }
        else
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).ExcludeFromDescription().RequireMetricsScraper(app.Services);
        }

        return app;
    }

    /// <summary>Scrapes and probes: counted in the request metrics, but no traces of their own.</summary>
    private static bool IsInfrastructure(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
