using Notes.Infrastructure.Errors;

namespace Notes.Infrastructure.Streaming;

/// <summary>
/// How many long streamed answers (exports) may run at once (<c>Streams:MaxConcurrent</c>, default 16): past it a new
/// one is refused with 503 and Retry-After at once, so slow or stuck readers can never crowd out other requests.
/// </summary>
public sealed class StreamSlots(IConfiguration configuration) : IDisposable
{
    public const int DefaultMaxConcurrent = 16;
    private const int RetryAfterSeconds = 2;

    private readonly int _max = MaxConcurrent(configuration);
    private readonly SemaphoreSlim _slots = new(MaxConcurrent(configuration));

    /// <summary>How many more exports may start now.</summary>
    public int Available => _slots.CurrentCount;

    /// <summary>Takes a slot until the returned lease is disposed, or throws <see cref="ServerBusyException"/>.</summary>
    public IDisposable Enter() => _slots.Wait(0)
        ? new Lease(_slots)
        : throw new ServerBusyException(
            "Too many exports in progress",
            $"This server streams at most {_max} exports at once; try again in {RetryAfterSeconds} seconds.",
            RetryAfterSeconds);

    public void Dispose() => _slots.Dispose();

    private static int MaxConcurrent(IConfiguration configuration) =>
        Math.Max(1, configuration.GetValue("Streams:MaxConcurrent", DefaultMaxConcurrent));

    private sealed class Lease(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
