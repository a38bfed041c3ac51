using System.Diagnostics.Metrics;

namespace Notes.Infrastructure.Telemetry;

/// <summary>The use-case histogram, from the host's meter factory.</summary>
internal sealed class UseCaseMetrics
{
    private readonly Histogram<double> _duration;

    public UseCaseMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(UseCaseTelemetry.Name);
        _duration = meter.CreateHistogram(
            UseCaseTelemetry.DurationInstrument,
            unit: "s",
            description: "Duration of a use case (a command or query through the mediator), by use case and outcome.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = UseCaseTelemetry.DurationBuckets });
    }

    public void Record(string useCase, string outcome, TimeSpan elapsed)
    {
        if (_duration.Enabled)
        {
            _duration.Record(
                elapsed.TotalSeconds,
                new KeyValuePair<string, object?>(UseCaseTelemetry.UseCaseTag, useCase),
                new KeyValuePair<string, object?>(UseCaseTelemetry.OutcomeTag, outcome));
        }
    }
}
