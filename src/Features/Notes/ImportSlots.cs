using Notes.Infrastructure.Errors;

namespace Notes.Features.Notes;

/// <summary>
/// How many imports may run at once (<c>Imports:MaxConcurrent</c>, default 4): each holds a transaction, a
/// connection and up to a 256 MiB body for seconds, so past the limit a new one is refused with 503 and Retry-After.
/// </summary>
public sealed class ImportSlots(IConfiguration configuration) : IDisposable
{
    public const int DefaultMaxConcurrent = 4;
    private const int RetryAfterSeconds = 5;

    private readonly SemaphoreSlim _slots = new(Math.Max(1, configuration.GetValue("Imports:MaxConcurrent", DefaultMaxConcurrent)));

    /// <summary>Takes a slot until the returned lease is disposed, or throws <see cref="ServerBusyException"/>.</summary>
    public IDisposable Enter() => _slots.Wait(0)
        ? new Lease(_slots)
        : throw new ServerBusyException(
            "Too many imports in progress",
            $"This server runs a few imports at once; try again in {RetryAfterSeconds} seconds.",
            RetryAfterSeconds);

    public void Dispose() => _slots.Dispose();

    private sealed class Lease(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
