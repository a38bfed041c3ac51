using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Notes.Tests.Database;

/// <summary>
/// Each list order and the completed filter are served by an index of Marten's mapping of notes, as
/// <c>EXPLAIN</c> shows for the very statements the lists run, on enough notes that the planner has a choice.
/// </summary>
public sealed class NoteIndexTests(NoteIndexTests.Api api) : IClassFixture<NoteIndexTests.Api>
{
    /// <summary>20,000 notes: one in 200 completed, one in 200 about milk, one in 200 in the trash; and another owner's 5,000 notes, all in the trash.</summary>
    public sealed class Api : NotesApi
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var notes = Enumerable.Range(1, 20_000).Select(i => new Note
            {
                Id = i,
                Text = i % 200 == 0 ? $"buy milk {i}" : $"note number {i}",
                Completed = i % 200 == 7,
                CreatedAt = start.AddSeconds(i),
                UpdatedAt = start.AddSeconds(20_000 - i),
            });
            await InsertAsync(notes.ToList());
            await InsertAsync(Enumerable.Range(20_001, 5_000).Select(i => new Note { Id = i, Text = "another's", CreatedAt = start, UpdatedAt = start }).ToList(), owner: "another");
            await SqlAsync($"update {Table.Name} set {Table.Trashed} = true, {Table.TrashedAt} = now() - make_interval(secs => {Table.Id}) where {Table.Id} % 200 = 3 or {Table.Id} > 20000");
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var analyze = new NpgsqlCommand($"analyze {Table.Name}", connection);
            await analyze.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Should_keep_no_index_of_a_duplicated_column_alone()
    {
        // Each would lead one of the (column, id) indexes and only cost writes.
        var alone = await api.SqlAsync(
            $"""
            select count(*) from pg_index i
            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
            where i.indrelid = '{api.Table.Name}'::regclass and i.indnatts = 1
              and a.attname in ('{api.Table.Column(note => note.Completed)}', '{api.Table.Column(note => note.CreatedAt)}', '{api.Table.Column(note => note.UpdatedAt)}')
            """);

        alone.ShouldBe(0L);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("-id")]
    [InlineData("createdAt")]
    [InlineData("-createdAt")]
    [InlineData("updatedAt")]
    [InlineData("-updatedAt")]
    public async Task Should_read_each_order_from_its_index(string sort)
    {
        var column = sort.TrimStart('-') switch
        {
            "createdAt" => api.Table.Column(note => note.CreatedAt),
            "updatedAt" => api.Table.Column(note => note.UpdatedAt),
            _ => api.Table.Id,
        };

        var indexes = await IndexesUsedAsync(new NoteListing.Listing(Completed: null, Search: null, sort, After: null));

        indexes.ShouldContain(index => IndexesOver(column).Contains(index), $"{string.Join(", ", indexes)} used, over {column}: {string.Join(", ", IndexesOver(column))}");
    }

    [Fact]
    public async Task Should_find_completed_notes_through_the_completed_index()
    {
        var indexes = await IndexesUsedAsync(new NoteListing.Listing(Completed: true, Search: null, Sort: null, After: null));

        indexes.ShouldContain(index => IndexesOver(api.Table.Column(note => note.Completed)).Contains(index));
    }

    [Fact]
    public async Task Should_read_the_trash_most_recently_deleted_first_from_its_index()
    {
        var indexes = await IndexesUsedAsync(new NoteListing.Listing(Completed: null, Search: null, NoteListing.TrashOrder, After: null, Trash: true));

        indexes.ShouldContain(index => IndexesOver(api.Table.TrashedAt).Contains(index), string.Join(", ", indexes));
    }

    /// <summary>
    /// Under row-level security PostgreSQL applies the text search operator, which is not leakproof, only after the
    /// policy's condition, so it never reads a full-text index: one would only cost writes.
    /// </summary>
    [Fact]
    public void Should_keep_no_full_text_index_that_row_level_security_leaves_unused()
    {
        var table = MappedTable();
        table.Indexes.ShouldNotContain(index => index.ToDDL(table).Contains("to_tsvector", StringComparison.Ordinal));
    }

    /// <summary>The indexes the plan of a page of <paramref name="listing"/> reads; it reads no table whole.</summary>
    private async Task<List<string>> IndexesUsedAsync(NoteListing.Listing listing)
    {
        await using var connection = await api.OpenConnectionAsync();
        await using var command = listing.Page(api.Table, skip: 0, take: 20, count: false);
        command.CommandText = "explain (format json) " + command.CommandText;
        command.Connection = connection;
        var plan = JsonNode.Parse((string)(await command.ExecuteScalarAsync())!)!;
        var nodes = Nodes(plan[0]!["Plan"]!).ToList();
        nodes.ShouldNotContain(node => (string)node["Node Type"]! == "Seq Scan", plan.ToJsonString());
        return nodes.Where(node => node["Index Name"] is not null).Select(node => (string)node["Index Name"]!).ToList();
    }

    private static IEnumerable<JsonNode> Nodes(JsonNode node) =>
        node["Plans"] is JsonArray children ? children.SelectMany(child => Nodes(child!)).Prepend(node) : [node];

    /// <summary>The indexes of the mapping whose columns are the owner, then <paramref name="column"/> (the primary key's for the id).</summary>
    private List<string> IndexesOver(string column)
    {
        var table = MappedTable();
        var owner = api.Table.Owner;
        var indexes = table.Indexes.Where(index => Regex.IsMatch(index.ToDDL(table), $@"btree \({owner}, \(*""?{column}\b")).Select(index => index.Name).ToList();
        if (table.PrimaryKeyColumns.SequenceEqual([owner, column]))
        {
            indexes.Add(table.PrimaryKeyName);
        }

        return indexes;
    }

    private Table MappedTable() =>
        ((StoreOptions)api.Services.GetRequiredService<IDocumentStore>().Options).Storage.FindFeature(typeof(Note)).Objects.OfType<Table>().Single();
}
