using System.Diagnostics;

namespace Notes.Infrastructure.Telemetry;

/// <summary>
/// The outermost pipeline behaviour: one span per use case, named after its request type (<c>CreateNote.Command</c>),
/// and one measurement of its duration, both tagged with its <see cref="UseCaseOutcome"/>. A singleton per request
/// type, whose name is worked out once; with no listener the span is not made at all.
/// </summary>
internal sealed class UseCaseTelemetryBehavior<TRequest, TResponse>(UseCaseMetrics metrics) : IPipelineBehavior<TRequest, TResponse>
{
    private static readonly string UseCase = UseCaseTelemetry.NameOf(typeof(TRequest));

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        using var activity = UseCaseTelemetry.Source.StartActivity(UseCase);
        activity?.SetTag(UseCaseTelemetry.UseCaseTag, UseCase);
        var started = Stopwatch.GetTimestamp();
        var outcome = UseCaseOutcome.Error;
        try
        {
            var response = await next();
            outcome = UseCaseOutcome.OfResult(response);
            return response;
        }
        catch (Exception exception)
        {
            outcome = UseCaseOutcome.OfException(exception);
            if (activity is not null && UseCaseOutcome.IsFault(outcome))
            {
                activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                activity.AddException(exception);
            }

            throw;
        }
        finally
        {
            activity?.SetTag(UseCaseTelemetry.OutcomeTag, outcome);
            metrics.Record(UseCase, outcome, Stopwatch.GetElapsedTime(started));
        }
    }
}
