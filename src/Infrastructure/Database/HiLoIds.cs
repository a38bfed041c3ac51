using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Ids for <typeparamref name="TDocument"/> from Marten's HiLo table (<c>mt_hilo</c>, the same blocks and the
/// same <c>mt_get_next_hi</c> function Marten uses), taken without ever blocking a thread. Marten assigns HiLo ids
/// inside the synchronous <c>Insert</c>, under a lock, and fetches a new block with a synchronous database call
/// there: under hundreds of concurrent creates every thread ends up waiting on that lock and the thread pool
/// starves. Here a new block is fetched asynchronously by one caller while the others wait asynchronously.
/// Ids are unique across instances (each takes its own blocks), not ordered by time across them.
/// </summary>
public sealed class HiLoIds<TDocument>(IDocumentStore store) : IDisposable
{
    /// <summary>
    /// The largest id handed out: 2^53 - 1, the largest integer a JSON number holds exactly in every client
    /// (JavaScript's Number.MAX_SAFE_INTEGER); past it a client would round an id to another note's.
    /// </summary>
    public const long MaxId = (1L << 53) - 1;

    private const int MaxAttempts = 30;

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _refill = new(1, 1);
    private readonly string _entity = typeof(TDocument).Name;
    private readonly int _blockSize = store.Options.Advanced.HiloSequenceDefaults.MaxLo;
    private long _next = 1;
    private long _last; // _next > _last: the current block is used up
    private volatile bool _exhausted;

    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        if (TryTake(out var id))
        {
            return id;
        }

        var ids = new long[1];
        await TakeAsync(ids, cancellationToken);
        return ids[0];
    }

    /// <summary>
    /// Fills <paramref name="ids"/> with ids in increasing order: what is left of this instance's block first, then
    /// as many new blocks as the rest needs (reserved in one statement); what the last block has left over stays
    /// for the next callers. Concurrent callers may take ids in between, so the ids are not always consecutive.
    /// </summary>
    public async Task TakeAsync(Memory<long> ids, CancellationToken cancellationToken)
    {
        var filled = TakeFromBlock(ids.Span);
        if (filled == ids.Length)
        {
            return;
        }

        await _refill.WaitAsync(cancellationToken);
        try
        {
            filled += TakeFromBlock(ids.Span[filled..]);
            while (filled < ids.Length)
            {
                var blocks = (ids.Length - filled + _blockSize - 1) / _blockSize;
                var (first, last) = await ReserveBlocksAsync(blocks, cancellationToken);
                lock (_lock)
                {
                    _next = first;
                    _last = last;
                }

                filled += TakeFromBlock(ids.Span[filled..]);
            }
        }
        finally
        {
            _refill.Release();
        }
    }

    public void Dispose() => _refill.Dispose();

    private bool TryTake(out long id)
    {
        lock (_lock)
        {
            if (_next <= _last)
            {
                id = _next++;
                return true;
            }
        }

        id = 0;
        return false;
    }

    private int TakeFromBlock(Span<long> ids)
    {
        lock (_lock)
        {
            var count = (int)Math.Min(ids.Length, Math.Max(0, _last - _next + 1));
            for (var i = 0; i < count; i++)
            {
                ids[i] = _next++;
            }

            return count;
        }
    }

    /// <summary>
    /// Moves the entity's hi value on by <paramref name="blocks"/> in one statement and returns the ids of the blocks
    /// reserved; throws <see cref="IdsExhaustedException"/>, without asking the database again, once they would pass <see cref="MaxId"/>.
    /// </summary>
    private async Task<(long First, long Last)> ReserveBlocksAsync(int blocks, CancellationToken cancellationToken)
    {
        if (_exhausted)
        {
            throw new IdsExhaustedException(_entity);
        }

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

            var lastHi = hi;
            if (blocks > 1)
            {
                await using var more = new NpgsqlCommand(
                    $"update {schema}.mt_hilo set hi_value = hi_value + $2 where entity_name = $1 and hi_value = $3 returning hi_value", connection)
                {
                    Parameters = { new() { Value = _entity }, new() { Value = (long)blocks - 1 }, new() { Value = hi } },
                };
                if (await more.ExecuteScalarAsync(cancellationToken) is not long last)
                {
                    continue;
                }

                lastHi = last;
            }

            if (lastHi > (MaxId - _blockSize) / _blockSize)
            {
                _exhausted = true;
                throw new IdsExhaustedException(_entity);
            }

            return (hi * _blockSize + 1, lastHi * _blockSize + _blockSize);
        }

        throw new InvalidOperationException($"Could not reserve {_entity} ids: the HiLo row kept changing under concurrent writers.");
    }
}
