using System.Net.Http.Json;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Http;

/// <summary>
/// <c>Database:Schema</c> puts everything of the API in that schema: the notes' table, Marten's HiLo table and
/// functions; every use case works there and nothing lands in <c>public</c>.
/// </summary>
public sealed class OtherSchemaTests(OtherSchemaTests.Api api) : IClassFixture<OtherSchemaTests.Api>
{
    public sealed class Api() : ConfiguredNotesApi(new Dictionary<string, string?> { ["Database:Schema"] = "notes_app" });

    [Fact]
    public async Task Should_keep_every_note_in_the_configured_schema_and_nothing_in_public()
    {
        using var client = api.CreateClient();
        var kept = await (await client.PostAsJsonAsync("/notes", new { text = "kept in notes_app" })).ShouldBeNoteAsync();
        var gone = await (await client.PostAsJsonAsync("/notes", new { text = "deleted" })).ShouldBeNoteAsync();
        (await client.PostAsJsonAsync("/notes/import", new[] { new { text = "imported one" }, new { text = "imported two" } })).EnsureSuccessStatusCode();
        await (await client.PutAsJsonAsync($"/notes/{kept.Id()}", new { text = "put in notes_app", completed = false })).ShouldBeNoteAsync();
        await (await client.PatchAsync($"/notes/{kept.Id()}", HttpJson.AsJson("""{"completed":true}"""))).ShouldBeNoteAsync();
        (await client.DeleteAsync($"/notes/{gone.Id()}")).EnsureSuccessStatusCode();

        (await (await client.GetAsync($"/notes/{kept.Id()}")).ShouldBeNoteAsync())["completed"]!.GetValue<bool>().ShouldBeTrue();
        (await (await client.GetAsync("/notes?q=imported&completed=false&sort=-createdAt")).ShouldBeNoteArrayAsync()).Count.ShouldBe(2);
        (await (await client.GetAsync("/notes/all?sort=updatedAt")).ShouldBeNoteArrayAsync()).Count.ShouldBe(3);

        api.Table.Name.ShouldBe("notes_app.mt_doc_note");
        (await ScalarAsync("select count(*) from notes_app.mt_doc_note where not mt_deleted")).ShouldBe(3L);
        (await (await client.GetAsync("/notes/trash")).ShouldBeNoteArrayAsync()).Count.ShouldBe(1);
        (await ScalarAsync("select count(*) from notes_app.mt_doc_note where mt_deleted")).ShouldBe(1L);
        (await ScalarAsync("select count(*) from notes_app.mt_hilo")).ShouldBe(1L);
        (await ScalarAsync("select count(*) from pg_class where relnamespace = 'public'::regnamespace")).ShouldBe(0L);
        (await ScalarAsync("select count(*) from pg_proc where pronamespace = 'public'::regnamespace and proname like 'mt\\_%'")).ShouldBe(0L);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await api.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
