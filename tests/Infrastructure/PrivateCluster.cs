using System.Globalization;
using Npgsql;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of its own for tests that stop or crash the database: made and run by the project's
/// scripts/db.sh, copied into a repository folder whose path has a space in it, on a free port. Never the shared
/// server the other tests use. As root, db.sh runs it as the postgres user.
/// </summary>
public sealed class PrivateCluster : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"notes tests {Environment.UserName}", $"repo {Guid.NewGuid():N}");

    public int Port { get; } = FreePort.Next();

    /// <summary>Where db.sh keeps the cluster: .pgdata in the copied repository, as for a clone.</summary>
    public string DataDirectory => Path.Combine(_root, ".pgdata");

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = "notes",
        Username = "notes",
        Password = "notes",
        Timeout = 3,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        var scripts = Directory.CreateDirectory(Path.Combine(_root, "scripts"));
        foreach (var script in new[] { "db.sh", "ensure-packages.sh", "notes-inspector.sql" })
        {
            File.Copy(Path.Combine(RepositoryRoot(), "scripts", script), Path.Combine(scripts.FullName, script));
        }

        // As root, the cluster's owner (postgres) must be able to enter the folders above it, whatever the umask.
        if (!OperatingSystem.IsWindows())
        {
            foreach (var directory in new[] { Path.GetDirectoryName(_root)!, _root })
            {
                File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
            }
        }

        await RunAsync("up");
    }

    /// <summary>Stops PostgreSQL the way a crash would: <c>pg_ctl stop -m immediate</c>, no checkpoint.</summary>
    public Task CrashAsync() => RunAsync("crash");

    public Task StartAsync() => RunAsync("up");

    /// <summary>Runs db.sh with the given NOTES_DB_PORT (default: this cluster's port) and returns what it said.</summary>
    public Task<(int ExitCode, string Output)> RunScriptAsync(string command, int? port = null) =>
        BashScript.RunAsync(Path.Combine(_root, "scripts", "db.sh"), command, new Dictionary<string, string?>
        {
            ["NOTES_DB_PORT"] = (port ?? Port).ToString(CultureInfo.InvariantCulture),
            ["NOTES_DB_DIR"] = null,
        });

    public async Task DisposeAsync()
    {
        await RunScriptAsync("reset");
        Directory.Delete(_root, recursive: true);
    }

    private async Task RunAsync(string command)
    {
        var (exitCode, output) = await RunScriptAsync(command);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"scripts/db.sh {command} failed ({exitCode}):\n{output}");
        }
    }

    internal static string RepositoryRoot()
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
