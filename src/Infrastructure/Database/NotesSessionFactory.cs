using SessionOptions = Marten.Services.SessionOptions;

namespace Notes.Infrastructure.Database;

/// <summary>
/// CQRS down to the connection: a handler's <see cref="IDocumentSession"/> (commands) works on the commands'
/// database, the primary; its <see cref="IQuerySession"/> (queries) on the queries' database when one is configured.
/// Both are lightweight: no identity map, no change tracking.
/// </summary>
internal sealed class NotesSessionFactory(IDocumentStore store, QueryDatabase queries) : ISessionFactory
{
    public IQuerySession QuerySession() => queries.Database is { } database
        ? store.QuerySession(SessionOptions.ForDatabase(database))
        : store.QuerySession();

    public IDocumentSession OpenSession() => store.LightweightSession();
}
