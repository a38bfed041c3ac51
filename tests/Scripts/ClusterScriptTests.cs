using Notes.Tests.Infrastructure;

namespace Notes.Tests.Scripts;

/// <summary>
/// deploy/cluster/cluster.sh preflight, what make cluster does before it starts anything, run from a copy of
/// deploy/cluster/ in a 0700 folder: a clone under /root or in mktemp -d, which the postgres user cannot enter.
/// </summary>
public sealed class ClusterScriptTests : IAsyncLifetime
{
    private static readonly string[] ClusterFiles = ["cluster.sh", "patroni.yml.in", "nginx.conf.in", "post-bootstrap.sh"];

    private readonly DirectoryInfo _privateFolder = Directory.CreateTempSubdirectory("notes-cluster-tests-");

    private string Clone => Path.Combine(_privateFolder.FullName, "notes");

    public Task InitializeAsync()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_privateFolder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var cluster = Directory.CreateDirectory(Path.Combine(Clone, "deploy", "cluster"));
        foreach (var file in ClusterFiles)
        {
            File.Copy(Path.Combine(PrivateCluster.RepositoryRoot(), "deploy", "cluster", file), Path.Combine(cluster.FullName, file));
        }

        var scripts = Directory.CreateDirectory(Path.Combine(Clone, "scripts"));
        File.Copy(Path.Combine(PrivateCluster.RepositoryRoot(), "scripts", "notes-inspector.sql"), Path.Combine(scripts.FullName, "notes-inspector.sql"));

        return Task.CompletedTask;
    }

    [AsRootFact]
    public async Task Should_give_the_postgres_user_every_file_of_the_servers_when_the_clone_is_in_a_private_folder()
    {
        var (_, where) = await RunAsync("where");

        var (exitCode, output) = await RunAsync("preflight");

        exitCode.ShouldBe(0, output);
        output.ShouldBe($"cluster: the postgres user reaches every folder and file of the servers in {where}, from where they start");
        where.ShouldNotStartWith(_privateFolder.FullName);
        Directory.Exists(where).ShouldBeFalse("preflight starts nothing and leaves nothing behind");
    }

    [AsRootFact]
    public async Task Should_name_the_folder_the_postgres_user_cannot_enter_before_starting_anything()
    {
        var unreachable = Path.Combine(_privateFolder.FullName, "cluster files");

        var (exitCode, output) = await RunAsync("preflight", unreachable);

        exitCode.ShouldBe(1, output);
        output.ShouldStartWith($"cluster: the postgres user cannot use {unreachable}: Permission denied");
        output.ShouldContain("set NOTES_CLUSTER_DIR to a folder it can enter");
        Directory.Exists(unreachable).ShouldBeFalse();
    }

    public async Task DisposeAsync()
    {
        await RunAsync("down");
        _privateFolder.Delete(recursive: true);
    }

    /// <summary>Runs cluster.sh from the clone, as make does, with NOTES_CLUSTER_DIR as given.</summary>
    private Task<(int ExitCode, string Output)> RunAsync(string command, string? clusterDirectory = null) =>
        BashScript.RunAsync(Path.Combine(Clone, "deploy", "cluster", "cluster.sh"), command,
            new Dictionary<string, string?> { ["NOTES_CLUSTER_DIR"] = clusterDirectory }, workingDirectory: Clone);
}
