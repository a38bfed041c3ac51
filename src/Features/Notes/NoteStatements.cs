using System.Data.Common;
using System.Globalization;
using Notes.Infrastructure.Database;
using Npgsql;

namespace Notes.Features.Notes;

/// <summary>
/// Runs the notes' statements through the Marten session (its connection, its resilience, its logging) for the
/// session's owner: each command starts by setting <see cref="NoteRegistry.OwnerSetting"/> to the session's tenant,
/// local to the command's own transaction, in the same round trip, as PostgREST does; row-level security then keeps
/// the statements that follow to that owner's notes, whatever their where clauses say.
/// </summary>
internal static class NoteStatements
{
    private const string OwnerParameter = "owner";

    private static readonly string SetOwner = $"select set_config('{NoteRegistry.OwnerSetting}', @{OwnerParameter}, true);";

    /// <summary>The one note a statement selects or returns (<see cref="NoteTable.Selected"/>), or null.</summary>
    public static async Task<StoredNote?> ReadNoteAsync(this IQuerySession session, NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        await using (var reader = await session.ReadAsync(command, cancellationToken))
        {
            return await reader.ReadAsync(cancellationToken) ? StoredNote.Read(reader) : null;
        }
    }

    /// <summary>Whether a statement selects or returns a row, e.g. a delete that returns what it deleted.</summary>
    public static async Task<bool> AnyRowAsync(this IQuerySession session, NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        await using (var reader = await session.ReadAsync(command, cancellationToken))
        {
            return await reader.ReadAsync(cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="command"/> for the session's owner; the reader starts at the command's own first result.</summary>
    public static async Task<DbDataReader> ReadAsync(this IQuerySession session, NpgsqlCommand command, CancellationToken cancellationToken)
    {
        command.CommandText = SetOwner + command.CommandText;
        command.Parameters.Add(new NpgsqlParameter(OwnerParameter, session.TenantId));
        for (var attempt = 1; ; attempt++)
        {
            var reader = await session.ExecuteReaderAsync(command, cancellationToken);
            try
            {
                await reader.NextResultAsync(cancellationToken);
                return reader;
            }
            // as Marten's own retries of a read (StatementRetries), for one whose connection broke after its first result
            catch (Exception exception) when (attempt <= StatementRetries.MaxRetryAttempts && StatementRetries.ReadMayRunAgain(command, exception))
            {
                await reader.DisposeAsync();
                await Task.Delay(StatementRetries.FirstDelay * Math.Pow(2, attempt - 1), cancellationToken);
            }
            catch
            {
                await reader.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Sets the owner for the rest of the transaction open on <paramref name="connection"/>, for work that takes many statements (an import).</summary>
    public static async Task SetOwnerAsync(NpgsqlConnection connection, string owner, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SetOwner, connection) { Parameters = { new NpgsqlParameter(OwnerParameter, owner) } };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A statement whose parameters are named @p1, @p2, ... in the order given.</summary>
    public static NpgsqlCommand Statement(string sql, params ReadOnlySpan<object> parameters)
    {
        var command = new NpgsqlCommand(sql);
        foreach (var parameter in parameters)
        {
            var named = parameter as NpgsqlParameter ?? new NpgsqlParameter { Value = parameter };
            named.ParameterName = "p" + (command.Parameters.Count + 1).ToString(CultureInfo.InvariantCulture);
            command.Parameters.Add(named);
        }

        return command;
    }
}
