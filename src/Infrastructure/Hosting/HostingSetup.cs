namespace Notes.Infrastructure.Hosting;

/// <summary>How the process starts and stops: the drain on SIGTERM, the shutdown time allowed, start-up failures.</summary>
public static class HostingSetup
{
    public static WebApplicationBuilder AddNotesHosting(this WebApplicationBuilder builder)
    {
        // The host logs a failed start as an error with the whole stack; HostRunner logs it as one line that says
        // what to do instead (and logs the stack itself for a failure that is a fault of ours).
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        builder.Services.AddSingleton(provider => ShutdownSettings.From(provider.GetRequiredService<IConfiguration>()));
        builder.Services.AddHostedService<ShutdownDrain>();
        builder.Services.AddOptions<HostOptions>().Configure<IConfiguration>((options, configuration) =>
            options.ShutdownTimeout = ShutdownSettings.ShutdownTimeout(configuration));
        return builder;
    }

    /// <summary>While draining, every answer says <c>Connection: close</c>, so clients and balancers open their next
    /// connection elsewhere instead of reusing one that is about to close.</summary>
    public static WebApplication UseNotesDrain(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use((context, next) =>
        {
            if (stopping.IsCancellationRequested)
            {
                context.Response.Headers.Connection = "close";
            }

            return next(context);
        });
        return app;
    }
}
