using Marten;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Infrastructure.Auth;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Owners;

/// <summary>
/// Isolation does not rest on the statements' where clauses: PostgreSQL's row-level security keeps every statement the
/// API runs for an owner to that owner's rows. Statements written here without any owner condition, run the way the
/// API runs its own (through an owner's session), still see and change only that owner's notes.
/// </summary>
public sealed class OwnerIsolationTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_see_only_the_owners_notes_with_a_statement_that_names_no_owner()
    {
        var alices = await CreateAsync("alice", 3);
        var bobs = await CreateAsync("bob", 2);

        (await IdsAsync("bob", $"select {api.Table.Id} from {api.Table.Name} order by {api.Table.Id}")).ShouldBe(bobs);
        (await IdsAsync("alice", $"select {api.Table.Id} from {api.Table.Name} order by {api.Table.Id}")).ShouldBe(alices);
    }

    [Fact]
    public async Task Should_change_and_delete_only_the_owners_notes_with_statements_that_name_no_owner()
    {
        var alices = await CreateAsync("carol", 2);
        var bobs = await CreateAsync("dave", 2);

        (await IdsAsync("dave", $"update {api.Table.Name} set {api.Table.Data} = {api.Table.Data} || '{{\"text\":\"overwritten\"}}' returning {api.Table.Id}")).ShouldBe(bobs, ignoreOrder: true);
        (await IdsAsync("dave", $"delete from {api.Table.Name} returning {api.Table.Id}")).ShouldBe(bobs, ignoreOrder: true);

        foreach (var id in alices)
        {
            (await api.SendAsync(new GetNote.Query(id), "carol"))!.Text.ShouldBe("note of carol");
        }
    }

    [Fact]
    public async Task Should_refuse_a_note_written_for_another_owner()
    {
        var table = api.Table;
        var statement = $"insert into {table.Name} ({table.Id}, {table.Data}, {table.Owner}) values (424242, '{{}}', 'alice') returning {table.Id}";

        var refused = await Should.ThrowAsync<PostgresException>(IdsAsync("mallory", statement));

        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await api.SendAsync(new GetNote.Query(424242), "alice")).ShouldBeNull();
    }

    [Fact]
    public async Task Should_fail_rather_than_show_notes_to_a_statement_run_for_no_owner()
    {
        await CreateAsync("erin", 1);
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {api.Table.Name}", connection);

        var refused = await Should.ThrowAsync<PostgresException>(command.ExecuteScalarAsync());

        refused.SqlState.ShouldBe(PostgresErrorCodes.UndefinedObject); // unrecognized configuration parameter "notes.owner"
    }

    private async Task<List<long>> CreateAsync(string owner, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await api.SendAsync(new CreateNote.Command($"note of {owner}"), owner)).Id);
        }

        return ids;
    }

    /// <summary>The ids a statement returns when the API runs it for <paramref name="owner"/>, as it runs its own.</summary>
    private async Task<List<long>> IdsAsync(string owner, string statement)
    {
        await using var scope = api.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().Owner = owner;
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        await using var command = new NpgsqlCommand(statement);
        await using var reader = await session.ReadAsync(command, CancellationToken.None);
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
