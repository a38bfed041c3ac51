using System.Diagnostics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Scripts;

/// <summary>
/// make handover USER=alice (scripts/handover.sh): the notes of the built-in owner, open mode's and those of a
/// database from before owners, become the user's, on the API's database, with row-level security forced again after.
/// </summary>
public sealed class HandoverScriptTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_hand_every_note_of_the_built_in_owner_to_the_user_once()
    {
        var openModeNotes = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            openModeNotes.Add((await api.SendAsync(new CreateNote.Command($"written in open mode {i}"))).Id);
        }

        var bobs = await api.SendAsync(new CreateNote.Command("bob's"), "bob");
        // with those another test of the class left with the built-in owner
        var waiting = await api.QueryAsync(session => session.Query<Note>().CountAsync());

        var (exitCode, output) = await HandOverAsync("alice");

        exitCode.ShouldBe(0, output);
        output.ShouldBe($"moved {waiting} notes of the built-in owner (*DEFAULT*) to alice");
        foreach (var id in openModeNotes)
        {
            (await api.SendAsync(new GetNote.Query(id), "alice")).ShouldNotBeNull().Text.ShouldStartWith("written in open mode");
            (await api.SendAsync(new GetNote.Query(id))).ShouldBeNull();
        }

        (await api.QueryAsync(session => session.Query<Note>().CountAsync())).ShouldBe(0);
        (await api.QueryAsync(session => session.Query<Note>().CountAsync(), "alice")).ShouldBe(waiting);
        (await api.SendAsync(new GetNote.Query(bobs.Id), "bob")).ShouldNotBeNull();
        (await RowLevelSecurityForcedAsync()).ShouldBeTrue();

        (exitCode, output) = await HandOverAsync("alice");

        exitCode.ShouldBe(0, output);
        output.ShouldBe("moved 0 notes of the built-in owner (*DEFAULT*) to alice");
        (await api.QueryAsync(session => session.Query<Note>().CountAsync(), "alice")).ShouldBe(waiting);
        (await RowLevelSecurityForcedAsync()).ShouldBeTrue();
    }

    [Theory]
    [InlineData("*DEFAULT*", "*DEFAULT* is the built-in owner the notes are handed from: name a user")]
    [InlineData("", "name the user who gets the notes: make handover USER=alice")]
    [InlineData(" ", "name the user who gets the notes: make handover USER=alice")]
    public async Task Should_refuse_to_hand_the_notes_to_no_user_or_to_the_built_in_owner(string user, string refusal)
    {
        var openModeNote = await api.SendAsync(new CreateNote.Command("stays with the built-in owner"));

        var (exitCode, output) = await HandOverAsync(user);

        exitCode.ShouldBe(2);
        output.ShouldBe($"handover: {refusal}");
        (await api.SendAsync(new GetNote.Query(openModeNote.Id))).ShouldNotBeNull();
    }

    [Fact]
    public async Task Should_fail_make_handover_without_a_user_whatever_the_login_name()
    {
        var start = new ProcessStartInfo("make", ["-s", "handover"])
        {
            WorkingDirectory = PrivateCluster.RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["USER"] = "alice", ["MAKEFLAGS"] = null, ["ConnectionStrings__Notes"] = api.ConnectionString },
        };

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.ShouldNotBe(0);
        (await output).ShouldBeEmpty();
        (await errors).ShouldContain("make handover: name the user who gets the notes: make handover USER=alice");
    }

    /// <summary>scripts/handover.sh USER on the fixture's database, as make handover runs it with the API's settings.</summary>
    private Task<(int ExitCode, string Output)> HandOverAsync(string user) =>
        BashScript.RunAsync(
            Path.Combine(PrivateCluster.RepositoryRoot(), "scripts", "handover.sh"),
            user,
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__Notes"] = api.ConnectionString,
                ["Database__Schema"] = api.Services.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName,
                ["db_host"] = null,
                ["db_port"] = null,
                ["db_name"] = null,
                ["db_user"] = null,
                ["db_pass"] = null,
                ["ssl_mode"] = null,
            });

    private async Task<bool> RowLevelSecurityForcedAsync()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select relforcerowsecurity from pg_class where oid = $1::regclass", connection)
        {
            Parameters = { new() { Value = api.Table.Name } },
        };
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
