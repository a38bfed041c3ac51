using Npgsql;

namespace Notes.Baseline;

/// <summary>
/// Note ids as the API takes them, from Marten's HiLo table (<c>mt_hilo</c>): a block of 1,000 ids at a time, reserved
/// by <c>mt_get_next_hi('Note')</c>, so the baseline and the API can write to the same table side by side. An id is
/// one interlocked increment; a new block is one statement, fetched by one caller while the others wait for it
/// asynchronously.
/// </summary>
internal sealed class HiLoIds(NpgsqlDataSource dataSource) : IDisposable
{
    private const int BlockSize = 1000; // Marten's default MaxLo, which the API keeps
    private const string Entity = "Note";

    private readonly SemaphoreSlim _refill = new(1, 1);
    private Block _block = new(1, 0);

    public async ValueTask<int> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var block = Volatile.Read(ref _block);
            var id = Interlocked.Increment(ref block.Next);
            if (id <= block.Last)
            {
                return (int)id;
            }

            await _refill.WaitAsync(cancellationToken);
            try
            {
                if (Volatile.Read(ref _block) == block)
                {
                    var hi = await ReserveAsync(cancellationToken);
                    Volatile.Write(ref _block, new Block((hi * BlockSize) + 1, (hi * BlockSize) + BlockSize));
                }
            }
            finally
            {
                _refill.Release();
            }
        }
    }

    public void Dispose() => _refill.Dispose();

    private async Task<long> ReserveAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select mt_get_next_hi($1)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Entity });
        for (var attempt = 0; attempt < 30; attempt++)
        {
            try
            {
                // -1: another writer moved the row between the function's read and its update
                if ((long)(await command.ExecuteScalarAsync(cancellationToken))! is var hi and >= 0)
                {
                    return hi;
                }
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // another writer created the entity's row first
            }
        }

        throw new InvalidOperationException("Could not reserve note ids: the HiLo row kept changing under concurrent writers.");
    }

    private sealed class Block(long first, long last)
    {
        public readonly long Last = last;
        public long Next = first - 1;
    }
}
