using Notes.Infrastructure.Auth;
using Notes.Infrastructure.Errors;

namespace Notes.Features.Notes;

/// <summary>
/// How many imports may run at once (<c>Imports:MaxConcurrent</c>, default 4): each holds a transaction, a
/// connection and up to a 256 MiB body for seconds, so past the limit a new one is refused with 503 and Retry-After.
/// A signed-in owner runs at most <c>Imports:SlotsPerOwner</c> of them (default half), so one person cannot take them
/// all; open mode's one built-in owner may use every slot.
/// </summary>
public sealed class ImportSlots(IConfiguration configuration)
{
    public const int DefaultMaxConcurrent = 4;
    private const int RetryAfterSeconds = 5;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _heldByOwner = [];
    private int _held;

    public int MaxConcurrent { get; } = Math.Max(1, configuration.GetValue("Imports:MaxConcurrent", DefaultMaxConcurrent));

    public int PerOwner { get; } = configuration.GetValue("Imports:SlotsPerOwner", 0) is > 0 and var perOwner
        ? perOwner
        : Math.Max(1, Math.Max(1, configuration.GetValue("Imports:MaxConcurrent", DefaultMaxConcurrent)) / 2);

    /// <summary>Takes a slot for <paramref name="owner"/> until the returned lease is disposed, or throws <see cref="ServerBusyException"/>.</summary>
    public IDisposable Enter(string owner)
    {
        lock (_lock)
        {
            if (_held >= MaxConcurrent)
            {
                throw new ServerBusyException(
                    "Too many imports in progress",
                    $"This server runs a few imports at once; try again in {RetryAfterSeconds} seconds.",
                    RetryAfterSeconds);
            }

            var heldByOwner = _heldByOwner.GetValueOrDefault(owner);
            if (owner != Caller.OpenModeOwner && heldByOwner >= PerOwner)
            {
                throw new ServerBusyException(
                    "Too many imports of yours in progress",
                    $"This server runs at most {PerOwner} imports of one account at once; try again in {RetryAfterSeconds} seconds, when one of yours is over.",
                    RetryAfterSeconds);
            }

            _heldByOwner[owner] = heldByOwner + 1;
            _held++;
        }

        return new Lease(this, owner);
    }

    private void Release(string owner)
    {
        lock (_lock)
        {
            _held--;
            if (--_heldByOwner[owner] == 0)
            {
                _heldByOwner.Remove(owner);
            }
        }
    }

    private sealed class Lease(ImportSlots slots, string owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(owner);
            }
        }
    }
}
