using System.Globalization;

namespace Notes.Infrastructure.Hosting;

/// <summary>
/// <c>Shutdown:DrainSeconds</c>: after SIGTERM, how long <c>/health/ready</c> answers 503 while the API still serves
/// everything, so a balancer takes the instance out before its listener closes (0 under <c>make run</c>).
/// <c>Shutdown:TimeoutSeconds</c>: after the drain, how long requests in flight may take to finish before their
/// connections are cut.
/// </summary>
public sealed record ShutdownSettings(TimeSpan Drain, TimeSpan FinishInFlight)
{
    public const string Section = "Shutdown";
    private const double DefaultDrainSeconds = 5;
    private const double DefaultTimeoutSeconds = 30;

    public static ShutdownSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return new ShutdownSettings(
            Seconds(section, "DrainSeconds", DefaultDrainSeconds)
                ?? throw Invalid(section, "DrainSeconds"),
            Seconds(section, "TimeoutSeconds", DefaultTimeoutSeconds)
                ?? throw Invalid(section, "TimeoutSeconds"));
    }

    /// <summary>
    /// The host's whole shutdown budget, drain included. Read when the host is built, so it never throws: a setting
    /// that makes no sense counts as its default here and fails the start-up with a clear line in <see cref="From"/>.
    /// </summary>
    public static TimeSpan ShutdownTimeout(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return (Seconds(section, "DrainSeconds", DefaultDrainSeconds) ?? TimeSpan.FromSeconds(DefaultDrainSeconds))
            + (Seconds(section, "TimeoutSeconds", DefaultTimeoutSeconds) ?? TimeSpan.FromSeconds(DefaultTimeoutSeconds));
    }

    private static TimeSpan? Seconds(IConfigurationSection section, string key, double fallback) => section[key] switch
    {
        null or "" => TimeSpan.FromSeconds(fallback),
        var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= 0 and <= 3600 => TimeSpan.FromSeconds(seconds),
        _ => null,
    };

    private static StartupException Invalid(IConfigurationSection section, string key) =>
        new($"{section.Path}:{key} must be a number of seconds from 0 to 3600, not '{section[key]}'.");
}
