using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Notes.Infrastructure.Database;
using Npgsql;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests make their databases on: the one the API would use (ConnectionStrings__Notes,
/// the seed's db_* variables, else notes/notes on localhost:5432). When nothing answers there, the project's own
/// scripts/db.sh starts the private cluster, so <c>dotnet test</c> works on its own where PostgreSQL is installed.
/// </summary>
internal static class TestDatabaseServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _checked;

    public static NpgsqlConnectionStringBuilder Settings { get; } =
        DatabaseSettings.Resolve(new ConfigurationBuilder().AddEnvironmentVariables().Build());

    /// <summary>Creates an empty database for one test class and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        await EnsureReachableAsync();
        var name = $"notes_test_{Guid.NewGuid():N}";
        await ExecuteAsync($"create database {name}");
        // Classes run side by side, each with a pool of its own: bounded, so that bursts of concurrent requests in two
        // classes at once wait for a connection instead of finding the server's max_connections used up.
        return new NpgsqlConnectionStringBuilder(Settings.ConnectionString) { Database = name, Pooling = true, MaxPoolSize = 30 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        // FORCE may meet a process the notes role cannot terminate (an autovacuum worker on the test's database):
        // it is gone a moment later.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync($"drop database if exists {name} with (force)");
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Settings.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task EnsureReachableAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_checked)
            {
                return;
            }

            if (!await AnswersAsync())
            {
                if (Settings.Host is not ("localhost" or "127.0.0.1"))
                {
                    throw new InvalidOperationException($"No PostgreSQL answers at {DatabaseSettings.Describe(Settings)}.");
                }

                await StartPrivateClusterAsync();
            }

            _checked = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<bool> AnswersAsync()
    {
        try
        {
            await ExecuteAsync("select 1");
            return true;
        }
        catch (Exception exception) when (DatabaseErrors.IsUnavailable(exception))
        {
            return false;
        }
    }

    private static async Task StartPrivateClusterAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "db.sh");
        var start = new ProcessStartInfo("bash", [script, "up"]) { RedirectStandardError = true };
        start.Environment["NOTES_DB_PORT"] = Settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run scripts/db.sh");
        var output = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/db.sh up failed:\n{await output}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Notes.csproj")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with Notes.csproj) was not found above " + AppContext.BaseDirectory);
    }
}
