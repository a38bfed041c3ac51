using System.Text.Json;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Features.Notes;

/// <summary>
/// What PostgreSQL does for the lists' statements, read from EXPLAIN (ANALYZE, BUFFERS): 30,000 notes imported in
/// one go, so that they share one createdAt and one updatedAt, as after a real import.
/// </summary>
public sealed class ListingPlanTests(ListingPlanTests.OneImport api) : IClassFixture<ListingPlanTests.OneImport>
{
    private const int Notes = 30_000;
    private const int Deep = 25_000;
    private static readonly DateTime ImportedAt = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public sealed class OneImport : NotesApi
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await using var connection = await OpenConnectionAsync();
            await using var import = new NpgsqlCommand(
                """
                insert into mt_doc_note (id, data, mt_dotnet_type, mt_version, completed, created_at, updated_at)
                select i, jsonb_build_object('id', i, 'text', 'imported note ' || i, 'completed', false,
                    'createdAt', '2026-01-01T00:00:00Z', 'updatedAt', '2026-01-01T00:00:00Z'),
                    'Notes.Features.Notes.Note', 1, false, @at, @at
                from generate_series(1, @notes) i;
                analyze mt_doc_note;
                """,
                connection);
            import.Parameters.AddWithValue("at", ImportedAt);
            import.Parameters.AddWithValue("notes", Notes);
            await import.ExecuteNonQueryAsync();
        }

        /// <summary>The plan of a statement as it ran, as JSON: its root node; <paramref name="settings"/> first, for the session.</summary>
        public async Task<JsonElement> ExplainAsync(NpgsqlCommand command, string settings = "")
        {
            await using var connection = await OpenConnectionAsync();
            if (settings.Length > 0)
            {
                await using var set = new NpgsqlCommand(settings, connection);
                await set.ExecuteNonQueryAsync();
            }

            command.Connection = connection;
            command.CommandText = "explain (analyze, buffers, format json) " + command.CommandText;
            var plan = (string)(await command.ExecuteScalarAsync())!;
            return JsonDocument.Parse(plan).RootElement[0].GetProperty("Plan").Clone();
        }
    }

    [Theory]
    [InlineData("createdAt", null)]
    [InlineData("-createdAt", null)]
    [InlineData("updatedAt", null)]
    [InlineData("-updatedAt", null)]
    [InlineData("createdAt", false)]
    [InlineData("-updatedAt", false)]
    public async Task Should_read_a_deep_page_among_notes_of_one_timestamp_as_cheaply_as_a_page_by_id(string sort, bool? completed)
    {
        var descending = sort.StartsWith('-');
        var cursorId = descending ? Notes - Deep + 1 : Deep;
        var byTime = new NoteListing.Listing(completed, null, sort, NoteListing.CursorAfter(cursorId, ImportedAt, sort));
        var byId = new NoteListing.Listing(completed, null, descending ? "-id" : "id", cursorId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var timePlan = await api.ExplainAsync(byTime.Page(api.Table, skip: 0, take: 1000, count: false));
        var idPlan = await api.ExplainAsync(byId.Page(api.Table, skip: 0, take: 1000, count: false));

        timePlan.GetProperty("Actual Rows").GetDouble().ShouldBe(1000);
        idPlan.GetProperty("Actual Rows").GetDouble().ShouldBe(1000);
        Buffers(timePlan).ShouldBeLessThanOrEqualTo(2 * Buffers(idPlan), $"{sort}: {timePlan}");
    }

    [Fact]
    public async Task Should_search_the_owners_notes_alone()
    {
        var search = new NoteListing.Listing(null, "imported note 2999", null, null);

        var plan = await api.ExplainAsync(search.Page(api.Table, skip: 0, take: 20, count: false));
        var elsewhere = await api.ExplainAsync(search.Page(api.Table, skip: 0, take: 20, count: false), "select set_config('notes.owner', 'someone else', false)");

        plan.GetProperty("Actual Rows").GetDouble().ShouldBe(11); // 2999 and 29990 to 29999
        elsewhere.GetProperty("Actual Rows").GetDouble().ShouldBe(0);
    }

    private static double Buffers(JsonElement plan) =>
        plan.GetProperty("Shared Hit Blocks").GetDouble() + plan.GetProperty("Shared Read Blocks").GetDouble();
}
