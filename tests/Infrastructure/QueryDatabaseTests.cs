using System.Net;
using System.Net.Http.Json;
using JasperFx;
using Marten;
using Marten.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Infrastructure.Database;
using Notes.Tests.Http;
using Npgsql;
using SessionOptions = Marten.Services.SessionOptions;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// Commands and queries on two databases of the test server: ConnectionStrings:Notes for commands and
/// ConnectionStrings:NotesQueries for queries. Two databases are no replication; they tell which side reads and
/// writes where, as a primary and its standby would, because here what one side writes the other cannot see.
/// </summary>
public sealed class QueryDatabaseTests(QueryDatabaseTests.ApiWithQueryDatabase api) : IClassFixture<QueryDatabaseTests.ApiWithQueryDatabase>
{
    public sealed class ApiWithQueryDatabase : NotesApi
    {
        private string? _queriesConnectionString;

        public string QueriesConnectionString => _queriesConnectionString ?? throw new InvalidOperationException("The fixture is not initialised yet.");

        public IMartenDatabase QueriesDatabase => Services.GetRequiredService<QueryDatabase>().Database.ShouldNotBeNull();

        public override async Task InitializeAsync()
        {
            _queriesConnectionString = await TestDatabaseServer.CreateDatabaseAsync();
            await base.InitializeAsync();
            // Start-up applies the schema to the commands' database only; a real standby gets it by replication.
            await QueriesDatabase.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:NotesQueries"] = QueriesConnectionString,
            }));
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (_queriesConnectionString is not null)
            {
                await TestDatabaseServer.DropDatabaseAsync(_queriesConnectionString);
            }
        }
    }

    [Fact]
    public async Task Should_store_a_created_note_in_the_commands_database_and_look_for_it_in_the_queries_database()
    {
        using var client = api.CreateClient();

        var created = await (await client.PostAsJsonAsync("/notes", new { text = "written to the primary" })).ShouldBeNoteAsync();

        (await api.QueryAsync(session => session.LoadAsync<Note>(created.Id()))).ShouldNotBeNull().Text.ShouldBe("written to the primary");
        (await CountNotesAsync(api.QueriesConnectionString, created.Id())).ShouldBe(0);
        await (await client.GetAsync($"/notes/{created.Id()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_list_the_notes_of_the_queries_database()
    {
        using var client = api.CreateClient();
        await (await client.PostAsJsonAsync("/notes", new { text = "not where the queries read" })).ShouldBeNoteAsync();
        await using (var connection = await OwnerConnections.OpenAsync(api.QueriesConnectionString))
        await using (var session = api.Services.GetRequiredService<IDocumentStore>().LightweightSession(SessionOptions.ForConnection(connection)))
        {
            session.Store(new Note { Text = "only where the queries read", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            await session.SaveChangesAsync();
        }

        var notes = await (await client.GetAsync("/notes/all")).ShouldBeNoteArrayAsync();

        var texts = notes.Select(note => note!.AsObject().Text()).ToArray();
        texts.ShouldContain("only where the queries read");
        texts.ShouldNotContain("not where the queries read");
    }

    [Fact]
    public async Task Should_give_handlers_query_sessions_on_the_queries_database_and_document_sessions_on_the_commands_database()
    {
        await using var scope = api.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();

        scope.ServiceProvider.GetRequiredService<IQuerySession>().Database.ShouldBeSameAs(api.QueriesDatabase);
        scope.ServiceProvider.GetRequiredService<IDocumentSession>().Database.ShouldBeSameAs(store.Storage.Database);
        api.QueriesDatabase.ShouldNotBeSameAs(store.Storage.Database);
    }

    private static async Task<long> CountNotesAsync(string connectionString, int id)
    {
        await using var connection = await OwnerConnections.OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("select count(*) from mt_doc_note where id = $1", connection) { Parameters = { new() { Value = id } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
