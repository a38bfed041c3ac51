using System.Net.Sockets;
using Marten.Exceptions;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Which failed statements are sent again. Marten's default sends again any statement that met an
/// <see cref="NpgsqlException"/>, also one that ran and committed but whose answer was lost on the way back: a create
/// then answered an error for the note it stored, a delete 404 for the note it deleted. Here a statement is sent again
/// only when it is known not to have run: its connection never opened, or the server refused it, saying why, before
/// running it; a read, which changes nothing, also when its connection broke. Any other failure goes to the client
/// (503 when the database is unreachable), who decides.
/// </summary>
internal static class StatementRetries
{
    public const int MaxRetryAttempts = 3;

    /// <summary>Before the first retry; each later one waits twice as long as the one before.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);

    public static void Configure(ResiliencePipelineBuilder pipeline) => pipeline.AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome.Exception is { } exception && NeverRan(exception)),
        MaxRetryAttempts = MaxRetryAttempts,
        Delay = FirstDelay,
        BackoffType = DelayBackoffType.Exponential,
    });

    /// <summary>
    /// Marten wraps what fails once a statement is on its way in a <see cref="MartenCommandException"/>; what it does
    /// not wrap failed while it opened the connection, before anything was sent.
    /// </summary>
    public static bool NeverRan(Exception exception) => exception switch
    {
        // A read changes nothing: sent again on a new connection when its connection broke (a primary that failed).
        MartenCommandException { Command: { } command, InnerException: NpgsqlException npgsql } when IsRead(command) && ConnectionBroke(npgsql) => true,
        MartenCommandException { InnerException: PostgresException postgres } => RefusedBeforeRunning(postgres),
        PostgresException postgres => RefusedBeforeRunning(postgres),
        // The connection could not be made (refused, unreachable), or none of several hosts is of the type asked for.
        NpgsqlException { InnerException: SocketException } => true,
        NpgsqlException npgsql => DatabaseErrors.IsNoSuitableHost(npgsql),
        _ => false,
    };

    /// <summary>
    /// Whether a read that failed after its first result (a command of several statements, whose later results come
    /// outside Marten's resilience) may be sent again: its connection broke, and a read changes nothing.
    /// </summary>
    public static bool ReadMayRunAgain(NpgsqlCommand command, Exception exception) =>
        exception is NpgsqlException npgsql && IsRead(command) && ConnectionBroke(npgsql);

    /// <summary>Whether a command's last statement is a read: those before it only set up or count (the owner, a page's count).</summary>
    private static bool IsRead(NpgsqlCommand command)
    {
        var last = command.CommandText.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        return last.StartsWith("select ", StringComparison.OrdinalIgnoreCase) || last.StartsWith("explain ", StringComparison.OrdinalIgnoreCase);
    }

    private static bool ConnectionBroke(NpgsqlException exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
        _ => exception.InnerException is IOException or SocketException,
    };

    private static bool RefusedBeforeRunning(PostgresException exception) => exception.SqlState is
        PostgresErrorCodes.CannotConnectNow // 57P03: the server is starting up
        or PostgresErrorCodes.TooManyConnections // 53300
        or PostgresErrorCodes.SqlServerRejectedEstablishmentOfSqlConnection // 08004
        or PostgresErrorCodes.ReadOnlySqlTransaction; // 25006: a write met a primary just demoted in a failover
}
