using Marten.Services;
using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Marten's log of the statements it runs, without their parameters: Marten's own logger writes every parameter's
/// value, note texts included, on each failure (at Error, with the stack) and each success (at Debug). This one logs
/// a failed statement by its SQL (which holds no values: they are all parameters) and the kind of error, at Debug
/// only: the failure goes on to the caller, whose handler logs what matters once (503, 500), or nothing when the
/// client has gone. Successes are not logged.
/// </summary>
internal sealed partial class StatementLogger(ILogger<IDocumentStore> logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => LogSchemaChange(logger, sql);

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception exception) => LogFailed(logger, new ErrorKind(exception), command.CommandText);

    public void LogFailure(NpgsqlBatch batch, Exception exception)
    {
        foreach (var command in batch.BatchCommands)
        {
            LogFailed(logger, new ErrorKind(exception), command.CommandText);
        }
    }

    /// <summary>Marten's own account of what failed, such as a rollback.</summary>
    public void LogFailure(Exception exception, string message) => LogFailed(logger, new ErrorKind(exception), message);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    /// <summary>An exception's type and SQLSTATE, and its cause's: never its message, which may quote a value.</summary>
    private readonly record struct ErrorKind(Exception Exception)
    {
        public override string ToString() => Exception.InnerException is { } cause
            ? $"{Describe(Exception)} ({Describe(cause)})"
            : Describe(Exception);

        private static string Describe(Exception exception) =>
            exception is PostgresException postgres ? $"{postgres.GetType().Name} {postgres.SqlState}" : exception.GetType().Name;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed schema update SQL:\n{Sql}")]
    private static partial void LogSchemaChange(ILogger logger, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Failed with {Error}: {What}")]
    private static partial void LogFailed(ILogger logger, ErrorKind error, string what);
}
