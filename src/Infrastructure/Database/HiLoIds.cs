using Marten;
using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Integer ids for <typeparamref name="TDocument"/> from Marten's HiLo table (<c>mt_hilo</c>, the same blocks and the
/// same <c>mt_get_next_hi</c> function Marten uses), taken without ever blocking a thread. Marten assigns HiLo ids
/// inside the synchronous <c>Insert</c>, under a lock, and fetches a new block with a synchronous database call
/// there: under hundreds of concurrent creates every thread ends up waiting on that lock and the thread pool
/// starves. Here a new block is fetched asynchronously by one caller while the others wait asynchronously.
/// </summary>
public sealed class HiLoIds<TDocument>(IDocumentStore store) : IDisposable
{
    private const int MaxAttempts = 30;

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _refill = new(1, 1);
    private readonly string _entity = typeof(TDocument).Name;
    private readonly int _blockSize = store.Options.Advanced.HiloSequenceDefaults.MaxLo;
    private long _next = 1;
    private long _last; // _next > _last: the current block is used up

    public async ValueTask<int> NextAsync(CancellationToken cancellationToken)
    {
        if (TryTake(out var id))
        {
            return id;
        }

        await _refill.WaitAsync(cancellationToken);
        try
        {
            while (!TryTake(out id))
            {
                var hi = await ReserveBlocksAsync(1, cancellationToken);
                lock (_lock)
                {
                    _next = hi * _blockSize + 1;
                    _last = hi * _blockSize + _blockSize;
                }
            }

            return id;
        }
        finally
        {
            _refill.Release();
        }
    }

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive ids for one batch (a bulk import), so that they form one range
    /// no other writer can take ids from. Whole blocks are reserved; what is left of the last one is not used.
    /// </summary>
    public async Task<int> ReserveRangeAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var blocks = (count + _blockSize - 1) / _blockSize;
        var lastHi = await ReserveBlocksAsync(blocks, cancellationToken);
        var first = (lastHi - blocks + 1) * _blockSize + 1;
        return first + count - 1 <= int.MaxValue
            ? (int)first
            : throw new InvalidOperationException($"{_entity} ids are exhausted.");
    }

    public void Dispose() => _refill.Dispose();

    private bool TryTake(out int id)
    {
        lock (_lock)
        {
            if (_next <= _last && _next <= int.MaxValue)
            {
                id = (int)_next++;
                return true;
            }
        }

        id = 0;
        return false;
    }

    /// <summary>Moves the entity's hi value on by <paramref name="blocks"/> in one statement and returns the last hi reserved.</summary>
    private async Task<long> ReserveBlocksAsync(int blocks, CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var schema = store.Options.DatabaseSchemaName;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // mt_get_next_hi creates the entity's row on first use (hi 0) and advances it by one block otherwise;
            // it answers -1 when a concurrent caller moved the row first.
            await using var next = new NpgsqlCommand($"select {schema}.mt_get_next_hi($1)", connection) { Parameters = { new() { Value = _entity } } };
            long hi;
            try
            {
                hi = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                continue; // another caller (here or in another instance) created the entity's row first
            }

            if (hi < 0)
            {
                continue;
            }

            if (blocks == 1)
            {
                return hi;
            }

            await using var more = new NpgsqlCommand(
                $"update {schema}.mt_hilo set hi_value = hi_value + $2 where entity_name = $1 and hi_value = $3 returning hi_value", connection)
            {
                Parameters = { new() { Value = _entity }, new() { Value = (long)blocks - 1 }, new() { Value = hi } },
            };
            if (await more.ExecuteScalarAsync(cancellationToken) is long last)
            {
                return last;
            }
        }

        throw new InvalidOperationException($"Could not reserve {_entity} ids: the HiLo row kept changing under concurrent writers.");
    }
}
