using Notes.Infrastructure.Errors;

namespace Notes.Infrastructure.Http;

/// <summary>
/// Room for long work (an export, an import): at most <see cref="Max"/> at once, and at most <see cref="PerKey"/> of
/// them for one key (a caller); past either, <see cref="Enter"/> refuses at once with a <see cref="ServerBusyException"/>
/// (503 and Retry-After). A key given as <c>unlimitedKey</c> may take every slot.
/// </summary>
public sealed class Slots(int max, int perKey, Slots.Refusal whenFull, Slots.Refusal whenKeyFull, string? unlimitedKey = null)
{
    /// <summary>What a refused caller is told: a title, a detail and when to try again.</summary>
    public sealed record Refusal(string Title, string Detail, int RetryAfterSeconds);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _heldByKey = [];
    private int _held;

    public int Max { get; } = Math.Max(1, max);

    public int PerKey { get; } = Math.Clamp(perKey, 1, Math.Max(1, max));

    /// <summary>How many more may start now.</summary>
    public int Available
    {
        get
        {
            lock (_lock)
            {
                return Max - _held;
            }
        }
    }

    /// <summary>Takes a slot for <paramref name="key"/> until the returned lease is disposed, or throws <see cref="ServerBusyException"/>.</summary>
    public IDisposable Enter(string key)
    {
        lock (_lock)
        {
            var heldByKey = _heldByKey.GetValueOrDefault(key);
            var refusal = _held >= Max ? whenFull : key != unlimitedKey && heldByKey >= PerKey ? whenKeyFull : null;
            if (refusal is not null)
            {
                throw new ServerBusyException(refusal.Title, refusal.Detail, refusal.RetryAfterSeconds);
            }

            _heldByKey[key] = heldByKey + 1;
            _held++;
        }

        return new Lease(this, key);
    }

    private void Release(string key)
    {
        lock (_lock)
        {
            _held--;
            if (--_heldByKey[key] == 0)
            {
                _heldByKey.Remove(key);
            }
        }
    }

    private sealed class Lease(Slots slots, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(key);
            }
        }
    }
}
