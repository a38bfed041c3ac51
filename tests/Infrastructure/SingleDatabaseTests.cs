using Marten;
using Microsoft.Extensions.DependencyInjection;
using Notes.Infrastructure.Database;

namespace Notes.Tests.Infrastructure;

/// <summary>Without ConnectionStrings:NotesQueries there is one database, and queries use it as commands do.</summary>
public sealed class SingleDatabaseTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_give_handlers_query_sessions_on_the_commands_database()
    {
        await using var scope = api.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();

        scope.ServiceProvider.GetRequiredService<QueryDatabase>().Database.ShouldBeNull();
        scope.ServiceProvider.GetRequiredService<IQuerySession>().Database.ShouldBeSameAs(store.Storage.Database);
        scope.ServiceProvider.GetRequiredService<IDocumentSession>().Database.ShouldBeSameAs(store.Storage.Database);
    }
}
