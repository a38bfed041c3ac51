using System.Text.Json.Nodes;
using Marten.Patching;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Database;

/// <summary>
/// The hand-built statements (<see cref="NoteTable"/>) against what Marten itself does: each writes every column of
/// the table, and leaves the very row Marten's own Insert, Patch and Delete leave. A Marten upgrade that adds a column
/// or changes what its operations write fails here instead of in an audit.
/// </summary>
public sealed class NoteStatementsTwinTests(NotesApi api) : IClassFixture<NotesApi>
{
    private static int _nextId = 900_000;

    [Fact]
    public async Task Should_write_every_column_of_the_table_when_creating_a_note()
    {
        api.Table.InsertColumns.ShouldBe(await TableColumnsAsync(), ignoreOrder: true);
    }

    [Fact]
    public async Task Should_write_or_deliberately_keep_every_column_of_the_table_when_changing_a_note()
    {
        api.Table.UpdateColumns.Intersect(api.Table.KeptColumns).ShouldBeEmpty();
        api.Table.UpdateColumns.Concat(api.Table.KeptColumns).ShouldBe(await TableColumnsAsync(), ignoreOrder: true);
    }

    [Fact]
    public async Task Should_write_the_row_martens_own_insert_writes()
    {
        var ours = await api.SendAsync(new CreateNote.Command("twin", Completed: true));
        var theirs = new Note { Id = NextId(), Text = "twin", Completed = true, CreatedAt = ours.CreatedAt, UpdatedAt = ours.UpdatedAt };
        await api.InSessionAsync(session =>
        {
            session.Insert(theirs);
            return session.SaveChangesAsync();
        });

        (await RowAsync(ours.Id)).ShouldBe(await RowAsync(theirs.Id));
    }

    [Theory]
    [InlineData("changed", null)]
    [InlineData(null, true)]
    [InlineData("changed", false)]
    public async Task Should_leave_the_row_martens_own_patch_leaves(string? text, bool? completed)
    {
        var (ours, theirs) = await TwinsAsync();
        var now = Note.Timestamp(TimeProvider.System);

        await api.InSessionAsync(async session =>
        {
            (await session.ChangeNoteAsync(api.Table, ours, text, completed, now, ifMatch: null, CancellationToken.None)).ShouldBeOfType<WriteOutcome.Written>();
            var patch = session.Patch<Note>(theirs).Set(note => note.UpdatedAt, now);
            if (text is not null)
            {
                patch.Set(note => note.Text, text);
            }

            if (completed is { } done)
            {
                patch.Set(note => note.Completed, done);
            }

            await session.SaveChangesAsync();
        });

        var row = await RowAsync(ours);
        row.ShouldBe(await RowAsync(theirs));
        row.ShouldContain("\"mt_version\":2");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_leave_what_martens_own_soft_delete_leaves(bool ifMatch)
    {
        var (ours, theirs) = await TwinsAsync();

        (await api.SendAsync(new DeleteNote.Command(ours, ifMatch ? [1] : null))).ShouldBeOfType<WriteOutcome.Deleted>();
        await api.InSessionAsync(session =>
        {
            session.Delete<Note>(theirs);
            return session.SaveChangesAsync();
        });

        var row = await RowAsync(ours);
        row.ShouldBe(await RowAsync(theirs));
        row.ShouldContain("\"mt_deleted\":true");
    }

    private static int NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Two notes alike but for their ids, both stored by Marten's own Insert.</summary>
    private async Task<(int Ours, int Theirs)> TwinsAsync()
    {
        var at = Note.Timestamp(TimeProvider.System).AddMinutes(-5);
        var (ours, theirs) = (NextId(), NextId());
        await api.InSessionAsync(session =>
        {
            session.Insert(
                new Note { Id = ours, Text = "twin", Completed = false, CreatedAt = at, UpdatedAt = at },
                new Note { Id = theirs, Text = "twin", Completed = false, CreatedAt = at, UpdatedAt = at });
            return session.SaveChangesAsync();
        });
        return (ours, theirs);
    }

    /// <summary>
    /// Every column of a note's row, "none" when there is no row: not its id (nor the id in its JSON), and of the times
    /// Marten stamps on it (timestamp columns that are not the note's own) only whether they are set.
    /// </summary>
    private async Task<string> RowAsync(long id)
    {
        var table = api.Table;
        await using var connection = await api.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"select to_jsonb(note) from {table.Name} note where {table.Id} = $1", connection)
        {
            Parameters = { new() { Value = id } },
        };
        if (await command.ExecuteScalarAsync() is not string json)
        {
            return "none";
        }

        var row = JsonNode.Parse(json)!.AsObject();
        row.Remove(table.Id);
        row[table.Data]!.AsObject().Remove("id");
        string[] noteTimes = [table.Column(note => note.CreatedAt), table.Column(note => note.UpdatedAt)];
        foreach (var stamp in await TableColumnsAsync(types: "timestamp%"))
        {
            if (!noteTimes.Contains(stamp))
            {
                row[stamp] = row[stamp] is not null;
            }
        }

        return row.ToJsonString();
    }

    /// <summary>The table's columns as PostgreSQL has them (information_schema), of the types <paramref name="types"/> matches.</summary>
    private async Task<List<string>> TableColumnsAsync(string types = "%")
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select column_name from information_schema.columns where table_schema || '.' || table_name = $1 and data_type like $2", connection)
        {
            Parameters = { new() { Value = api.Table.Name }, new() { Value = types } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<string>();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        columns.ShouldNotBeEmpty();
        return columns;
    }
}
