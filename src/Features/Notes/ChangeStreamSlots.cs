using Notes.Infrastructure.Http;

namespace Notes.Features.Notes;

/// <summary>
/// How many streams of changes (server-sent events) may be open at once: <c>ChangeStreams:MaxConcurrent</c> (default
/// 10,000; an idle stream holds no database connection, only its socket and a little memory), and per caller (a
/// signed-in owner, else a client address) <c>ChangeStreams:SlotsPerCaller</c> (default 16: a person's devices and
/// tabs). Past either, 503 with Retry-After.
/// </summary>
public sealed class ChangeStreamSlots(IConfiguration configuration)
{
    private const int RetryAfterSeconds = 5;

    private readonly Slots _slots = Of(configuration);

    public int Available => _slots.Available;

    /// <summary>How long a stream goes without an event before it sends a heartbeat: <c>ChangeStreams:HeartbeatSeconds</c> (default 15).</summary>
    public int HeartbeatMilliseconds { get; } = (int)(configuration.GetValue("ChangeStreams:HeartbeatSeconds", 15.0) * 1000);

    public IDisposable Enter(string caller) => _slots.Enter(caller);

    private static Slots Of(IConfiguration configuration)
    {
        var max = configuration.GetValue("ChangeStreams:MaxConcurrent", 10_000);
        var perCaller = configuration.GetValue("ChangeStreams:SlotsPerCaller", 16);
        return new Slots(
            max,
            perCaller,
            new Slots.Refusal("Too many streams open", $"This server keeps at most {max} streams of changes open; try again in {RetryAfterSeconds} seconds.", RetryAfterSeconds),
            new Slots.Refusal(
                "Too many streams of yours open",
                $"This server keeps at most {perCaller} streams of changes open for one caller; close one, or try again in {RetryAfterSeconds} seconds.",
                RetryAfterSeconds));
    }
}
