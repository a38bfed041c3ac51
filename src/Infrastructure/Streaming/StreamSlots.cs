using Notes.Infrastructure.Errors;

namespace Notes.Infrastructure.Streaming;

/// <summary>
/// Who may run a long streamed answer (an export) now. At most <c>Streams:MaxConcurrent</c> (default 16) run at once,
/// and one caller (a signed-in owner, else a client address) holds at most <c>Streams:SlotsPerAddress</c> of them
/// (default a quarter), so one client cannot take them all; past either, a new one is refused with 503 and Retry-After at once. An export that makes no
/// progress for <c>Streams:StallSeconds</c> (default 20) is cut, so a reader that stops reading gives its slot back.
/// </summary>
public sealed class StreamSlots(IConfiguration configuration)
{
    public const int DefaultMaxConcurrent = 16;
    public const double DefaultStallSeconds = 20;
    private const int RetryAfterSeconds = 2;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _heldByClient = [];
    private int _held;

    public int MaxConcurrent { get; } = MaxConcurrentOf(configuration);

    public int PerClient { get; } = PerClientOf(configuration);

    /// <summary>How long an export may go without reading a page or handing a block to its reader.</summary>
    public TimeSpan StallLimit { get; } = TimeSpan.FromSeconds(
        configuration.GetValue("Streams:StallSeconds", DefaultStallSeconds) is > 0 and var seconds ? seconds : DefaultStallSeconds);

    /// <summary>How many more exports may start now.</summary>
    public int Available
    {
        get
        {
            lock (_lock)
            {
                return MaxConcurrent - _held;
            }
        }
    }

    /// <summary>
    /// Takes a slot for <paramref name="client"/> (a key from <see cref="Http.RateLimitSetup.ClientKey"/>) until the
    /// returned lease is disposed, or throws <see cref="ServerBusyException"/>.
    /// </summary>
    public IDisposable Enter(string client)
    {
        lock (_lock)
        {
            if (_held >= MaxConcurrent)
            {
                throw new ServerBusyException(
                    "Too many exports in progress",
                    $"This server streams at most {MaxConcurrent} exports at once; try again in {RetryAfterSeconds} seconds.",
                    RetryAfterSeconds);
            }

            var heldByClient = _heldByClient.GetValueOrDefault(client);
            if (heldByClient >= PerClient)
            {
                throw new ServerBusyException(
                    "Too many exports from this client",
                    $"This server streams at most {PerClient} exports at once to one caller; try again in {RetryAfterSeconds} seconds, when one of yours is over.",
                    RetryAfterSeconds);
            }

            _heldByClient[client] = heldByClient + 1;
            _held++;
        }

        return new Lease(this, client);
    }

    private void Release(string client)
    {
        lock (_lock)
        {
            _held--;
            if (--_heldByClient[client] == 0)
            {
                _heldByClient.Remove(client);
            }
        }
    }

    private static int MaxConcurrentOf(IConfiguration configuration) =>
        Math.Max(1, configuration.GetValue("Streams:MaxConcurrent", DefaultMaxConcurrent));

    private static int PerClientOf(IConfiguration configuration) => configuration.GetValue("Streams:SlotsPerAddress", 0) switch
    {
        > 0 and var perClient => Math.Min(perClient, MaxConcurrentOf(configuration)),
        _ => Math.Max(1, MaxConcurrentOf(configuration) / 4),
    };

    private sealed class Lease(StreamSlots slots, string client) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(client);
            }
        }
    }
}
