using Notes.Infrastructure.Auth;
using SessionOptions = Marten.Services.SessionOptions;

namespace Notes.Infrastructure.Database;

/// <summary>
/// CQRS down to the connection: a handler's <see cref="IDocumentSession"/> (commands) works on the commands'
/// database, the primary; its <see cref="IQuerySession"/> (queries) on the queries' database when one is configured.
/// Both are lightweight (no identity map, no change tracking) and belong to the caller: their tenant is the caller's
/// owner, which every statement on the notes' table sets for row-level security (see NoteStatements).
/// </summary>
internal sealed class NotesSessionFactory(IDocumentStore store, QueryDatabase queries, Caller caller) : ISessionFactory
{
    public IQuerySession QuerySession() => queries.Database is { } database
        ? store.QuerySession(SessionOptions.ForDatabase(caller.Owner, database))
        : store.QuerySession(caller.Owner);

    public IDocumentSession OpenSession() => store.LightweightSession(caller.Owner);
}
