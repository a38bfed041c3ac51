using System.Net.Sockets;
using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>Tells a database that is down, unreachable or overloaded (worth a retry later) from a fault of ours.</summary>
public static class DatabaseErrors
{
    private const string NoSuitableHost = "No suitable host was found";

    public static bool IsUnavailable(Exception exception) => Chain(exception).Any(IsUnavailableCause);

    /// <summary>A short reason without connection details, for log lines.</summary>
    public static string Reason(Exception exception) =>
        Chain(exception).LastOrDefault(IsUnavailableCause)?.Message ?? exception.Message;

    private static bool IsUnavailableCause(Exception exception) => exception switch
    {
        // 08: connection exception, 53: insufficient resources, 57P0x: the server is shutting down or starting up,
        // 25006: a write met a server that is read-only now (a primary just demoted to standby in a failover)
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("57P0", StringComparison.Ordinal)
            || postgres.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction,
        // Several hosts, none of the type asked for (no primary while a standby is being promoted): Npgsql says so
        // with a plain NpgsqlException, without an inner one when it knew every host's state already.
        NpgsqlException npgsql => npgsql.IsTransient || IsNoSuitableHost(npgsql),
        SocketException or TimeoutException => true,
        _ => false,
    };

    public static bool IsNoSuitableHost(NpgsqlException exception) => exception.Message.StartsWith(NoSuitableHost, StringComparison.Ordinal);

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
