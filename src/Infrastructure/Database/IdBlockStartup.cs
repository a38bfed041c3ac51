using Marten;
using Notes.Features.Notes;
using Npgsql;
using Weasel.Core.Sequences;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Fetches this instance's first block of note ids (Marten's HiLo sequence) at start-up, after the schema and before
/// the server listens. Marten would fetch it with the first create, synchronously, and on a fresh database several
/// instances doing that at once race to insert the sequence's row: all but one would answer 500. Here the loser of
/// that race tries again and finds the row.
/// </summary>
internal sealed partial class IdBlockStartup(IDocumentStore store, ILogger<IdBlockStartup> logger) : IHostedService
{
    private const int Attempts = 3;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sequence = (HiloSequenceBase)store.Storage.Database.Sequences.SequenceFor(typeof(Note));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sequence.AdvanceToNextHi(cancellationToken);
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && attempt < Attempts)
            {
                // another instance created the sequence's row at the same moment: it is there now
            }
            catch (Exception exception) when (DatabaseErrors.IsUnavailable(exception) || exception is PostgresException)
            {
                // not worth failing the start-up for: the first create fetches the block instead
                LogNotFetched(logger, DatabaseErrors.Reason(exception));
                return;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The first block of note ids was not fetched at start-up ({Reason}); the first create fetches it")]
    private static partial void LogNotFetched(ILogger logger, string reason);
}
