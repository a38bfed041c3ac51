namespace Notes.Infrastructure.Telemetry;

/// <summary>
/// What the API emits about itself, from configuration:
/// <c>Telemetry:Enabled</c> (default true) switches every signal of this folder off at once, so a benchmark can
/// run the API with and without them; traces are recorded only when they go somewhere: to the OTLP endpoint of
/// the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or when <c>Telemetry:Tracing:Enabled</c> says so.
/// </summary>
public sealed record TelemetrySettings(bool Enabled, bool Tracing, double SampleRatio, bool ExportOtlp)
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static TelemetrySettings From(IConfiguration configuration)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        var ratio = configuration.GetValue("Telemetry:Tracing:SampleRatio", 1.0);
        if (ratio is < 0 or > 1 || double.IsNaN(ratio))
        {
            throw new InvalidOperationException($"Telemetry:Tracing:SampleRatio must be between 0 and 1, not {ratio}.");
        }

        return new TelemetrySettings(
            Enabled: configuration.GetValue("Telemetry:Enabled", true),
            Tracing: configuration.GetValue("Telemetry:Tracing:Enabled", exportOtlp),
            SampleRatio: ratio,
            ExportOtlp: exportOtlp);
    }
}
