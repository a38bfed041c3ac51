namespace Notes.Infrastructure.Hosting;

/// <summary>
/// The drain on SIGTERM. The signal stops the application at once, which <c>/health/ready</c> reports as 503
/// (<see cref="Health.DrainHealthCheck"/>); the host then calls <see cref="StoppingAsync"/> before it stops any
/// service, so the server keeps accepting and serving for the drain period. After it, Kestrel stops accepting
/// and waits for the requests in flight.
/// </summary>
internal sealed partial class ShutdownDrain(ShutdownSettings settings, TimeProvider time, ILogger<ShutdownDrain> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (settings.Drain <= TimeSpan.Zero)
        {
            return;
        }

        LogDraining(logger, settings.Drain.TotalSeconds);
        try
        {
            await Task.Delay(settings.Drain, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the host's shutdown timeout ran out first: stop draining and close
        }

        LogDrained(logger);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining for {Seconds:0.##} s: /health/ready answers 503 while requests are still served")]
    private static partial void LogDraining(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain over: the listener closes and the requests in flight finish")]
    private static partial void LogDrained(ILogger logger);
}
