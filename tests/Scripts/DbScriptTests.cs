using Npgsql;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Scripts;

/// <summary>scripts/db.sh, run from a repository whose path has a space in it, on a port of its own.</summary>
public sealed class DbScriptTests(PrivateCluster cluster) : IClassFixture<PrivateCluster>
{
    [Fact]
    public async Task Should_run_the_private_cluster_from_a_repository_path_with_a_space()
    {
        cluster.DataDirectory.ShouldContain(" ");

        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1", connection);
        (await command.ExecuteScalarAsync()).ShouldBe(1);

        // postmaster.pid: pid, data directory, start time, port, socket directory, ...
        var postmaster = await File.ReadAllLinesAsync(Path.Combine(cluster.DataDirectory, "data", "postmaster.pid"));
        postmaster[1].ShouldBe(Path.Combine(cluster.DataDirectory, "data"));
        postmaster[3].ShouldBe(cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        postmaster[4].ShouldBe(Path.Combine(cluster.DataDirectory, "run"));
    }

    [Fact]
    public async Task Should_say_the_port_the_cluster_listens_on_when_asked_about_another()
    {
        var otherPort = cluster.Port == 5432 ? 5433 : 5432;

        var (exitCode, output) = await cluster.RunScriptAsync("status", otherPort);

        exitCode.ShouldBe(0, output);
        output.ShouldContain($"running on 127.0.0.1:{cluster.Port}");
        output.ShouldNotContain($"running on 127.0.0.1:{otherPort}");
        output.ShouldContain($"not on {otherPort}");
    }

    [Fact]
    public async Task Should_say_where_the_cluster_runs_when_asked_about_its_own_port()
    {
        var (exitCode, output) = await cluster.RunScriptAsync("status");

        exitCode.ShouldBe(0, output);
        output.ShouldBe($"db: running on 127.0.0.1:{cluster.Port} ({Path.Combine(cluster.DataDirectory, "data")})");
    }
}
