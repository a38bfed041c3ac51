using Notes.Infrastructure.Http;

namespace Notes.Infrastructure.Streaming;

/// <summary>
/// Who may run a long streamed answer (an export) now. At most <c>Streams:MaxConcurrent</c> (default 16) run at once,
/// and one caller (a signed-in owner, else a client address) holds at most <c>Streams:SlotsPerAddress</c> of them
/// (default a quarter), so one client cannot take them all; past either, a new one is refused with 503 and
/// Retry-After at once. An export that makes no progress for <c>Streams:StallSeconds</c> (default 20) is cut, so a
/// reader that stops reading gives its slot back.
/// </summary>
public sealed class StreamSlots(IConfiguration configuration)
{
    public const int DefaultMaxConcurrent = 16;
    public const double DefaultStallSeconds = 20;
    private const int RetryAfterSeconds = 2;

    private readonly Slots _slots = Of(configuration);

    public int MaxConcurrent => _slots.Max;

    public int PerClient => _slots.PerKey;

    /// <summary>How long an export may go without reading a page or handing a block to its reader.</summary>
    public TimeSpan StallLimit { get; } = TimeSpan.FromSeconds(
        configuration.GetValue("Streams:StallSeconds", DefaultStallSeconds) is > 0 and var seconds ? seconds : DefaultStallSeconds);

    /// <summary>How many more exports may start now.</summary>
    public int Available => _slots.Available;

    /// <summary>
    /// Takes a slot for <paramref name="client"/> (a key from <see cref="RateLimitSetup.ClientKey"/>) until the
    /// returned lease is disposed, or throws a ServerBusyException.
    /// </summary>
    public IDisposable Enter(string client) => _slots.Enter(client);

    private static Slots Of(IConfiguration configuration)
    {
        var max = Math.Max(1, configuration.GetValue("Streams:MaxConcurrent", DefaultMaxConcurrent));
        var perClient = configuration.GetValue("Streams:SlotsPerAddress", 0) is > 0 and var configured ? configured : Math.Max(1, max / 4);
        return new Slots(
            max,
            perClient,
            new Slots.Refusal("Too many exports in progress", $"This server streams at most {max} exports at once; try again in {RetryAfterSeconds} seconds.", RetryAfterSeconds),
            new Slots.Refusal(
                "Too many exports from this client",
                $"This server streams at most {Math.Min(perClient, max)} exports at once to one caller; try again in {RetryAfterSeconds} seconds, when one of yours is over.",
                RetryAfterSeconds));
    }
}
