using Marten;
using MediatR;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Marten.Services;
using Weasel.Core;
using Notes.Features.Notes;
using Notes.Infrastructure.Auth;
using Npgsql;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// The whole API, as Program composes it, on a database of its own: one per test class (IClassFixture),
/// so classes run in parallel and each starts from an empty database with ids from 1.
/// Handler tests send requests through its mediator; contract tests call it over HTTP.
/// </summary>
public class NotesApi : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string? _connectionString;
    private TcpProxy? _relay;

    /// <summary>The connection string of this fixture's own database.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The fixture is not initialised yet.");

    /// <summary>
    /// The relay the API reaches its database through, for a fixture that sets <see cref="ThroughRelay"/>: a test cuts
    /// it to take the database away, and starts it again to bring it back.
    /// </summary>
    public TcpProxy Relay => _relay ?? throw new InvalidOperationException("This fixture reaches its database directly (ThroughRelay is off).");

    /// <summary>The notes' table as the API names it (Marten's mapping, in the configured schema).</summary>
    public NoteTable Table => Services.GetRequiredService<NoteTable>();

    /// <summary>Marten's HiLo table, in the configured schema.</summary>
    public string HiLoTable => $"{Services.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName}.mt_hilo";

    /// <summary>Whether the API reaches its database through <see cref="Relay"/> instead of directly.</summary>
    protected virtual bool ThroughRelay => false;

    public virtual async Task InitializeAsync()
    {
        if (ThroughRelay)
        {
            _relay = new TcpProxy(TestDatabaseServer.Settings.Host!, TestDatabaseServer.Settings.Port);
            _relay.Start();
        }

        _connectionString = await TestDatabaseServer.CreateDatabaseAsync();
        await PrepareDatabaseAsync(_connectionString);
        StartHost();
    }

    /// <summary>What a fixture puts in its database before the API starts on it.</summary>
    protected virtual Task PrepareDatabaseAsync(string connectionString) => Task.CompletedTask;

    /// <summary>Starts the API in memory (TestServer): the schema is applied before the first request.</summary>
    protected virtual void StartHost() => _ = Server;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        if (_connectionString is not null)
        {
            await TestDatabaseServer.DropDatabaseAsync(_connectionString);
        }
    }

    /// <summary>Sends a command or query through the mediator in a scope of its own, as one HTTP request of <paramref name="owner"/> would.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request, string owner = Caller.OpenModeOwner)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().Owner = owner;
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    /// <summary>Reads <paramref name="owner"/>'s notes directly with Marten, around the API, to check what a request stored.</summary>
    public async Task<T> QueryAsync<T>(Func<IQuerySession, Task<T>> query, string owner = Caller.OpenModeOwner)
    {
        await using var connection = await OpenConnectionAsync(owner);
        await using var session = Services.GetRequiredService<IDocumentStore>().QuerySession(WithOwner(SessionOptions.ForConnection(connection), owner));
        return await query(session);
    }

    /// <summary>Works with Marten's own session of <paramref name="owner"/>, around the API (Marten's Insert, Patch, Delete).</summary>
    public async Task InSessionAsync(Func<IDocumentSession, Task> work, string owner = Caller.OpenModeOwner)
    {
        await using var connection = await OpenConnectionAsync(owner);
        await using var session = Services.GetRequiredService<IDocumentStore>().LightweightSession(WithOwner(SessionOptions.ForConnection(connection), owner));
        await work(session);
    }

    private static SessionOptions WithOwner(SessionOptions options, string owner)
    {
        options.TenantId = owner;
        return options;
    }

    /// <summary>A connection to this fixture's database on which every statement sees <paramref name="owner"/>'s notes alone.</summary>
    public Task<NpgsqlConnection> OpenConnectionAsync(string owner = Caller.OpenModeOwner) => OwnerConnections.OpenAsync(ConnectionString, owner);

    /// <summary>Row-level security on the notes' and the changes feed's tables: <c>force</c> or <c>no force</c>.</summary>
    private string Lift(string force) =>
        $"alter table {Table.Name} {force} row level security; alter table {new NoteFeed(Table).Table} {force} row level security";

    /// <summary>
    /// Stores many notes of <paramref name="owner"/> at once with Marten's bulk insert (COPY), before a test's requests:
    /// PostgreSQL refuses COPY into a table under row-level security, so it is lifted meanwhile.
    /// </summary>
    public async Task InsertAsync(IReadOnlyCollection<Note> notes, string owner = Caller.OpenModeOwner)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var lift = new NpgsqlCommand(Lift("no force"), connection);
        await lift.ExecuteNonQueryAsync();
        try
        {
            await Services.GetRequiredService<IDocumentStore>().BulkInsertAsync(owner, notes, BulkInsertMode.InsertsOnly);
        }
        finally
        {
            await using var force = new NpgsqlCommand(Lift("force"), connection);
            await force.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Runs one statement on the database directly, around the API (to set state no request can), and returns its first
    /// value. It sees every owner's notes: row-level security is lifted for its transaction.
    /// </summary>
    public async Task<object?> SqlAsync(string statement)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lift = new NpgsqlCommand(Lift("no force"), connection, transaction))
        {
            await lift.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(statement, connection, transaction);
        var value = await command.ExecuteScalarAsync();
        await using (var force = new NpgsqlCommand(Lift("force"), connection, transaction))
        {
            await force.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return value;
    }

    /// <summary>Sends a request and checks that every stored note is as it was before it (bad input changes nothing).</summary>
    public async Task<HttpResponseMessage> ChangesNothingAsync(Func<Task<HttpResponseMessage>> send)
    {
        var before = await StoredNotesAsync();
        var response = await send();
        (await StoredNotesAsync()).ShouldBe(before);
        return response;
    }

    private Task<string[]> StoredNotesAsync() => QueryAsync(async session =>
        (await session.Query<Note>().OrderBy(note => note.Id).ToListAsync())
            .Select(note => $"{note.Id} {note.Version} {note.Completed} {note.UpdatedAt:O} {note.Text}")
            .ToArray());

    /// <summary>What the API connects with: its database, through the relay when there is one (failing fast once it is cut).</summary>
    protected virtual string DatabaseConnectionString => _relay is null
        ? ConnectionString
        : new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = _relay.Port, Timeout = 3 }.ConnectionString;

    /// <summary>
    /// Configuration a fixture adds to the API's (e.g. a lower limit to reach in a test); fixtures whose settings
    /// Program reads while it composes the app (before configuration sources are added) apply them with UseSetting.
    /// </summary>
    protected virtual IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Notes"] = DatabaseConnectionString,
            // The seed's variables would override parts of it: the tests ignore any set in their environment.
            ["db_host"] = "",
            ["db_port"] = "",
            ["db_name"] = "",
            ["db_user"] = "",
            ["db_pass"] = "",
            ["ssl_mode"] = "",
            // A test host stops at once; the drain is shown against the real process (DrainTests).
            ["Shutdown:DrainSeconds"] = "0",
        }).AddInMemoryCollection(Settings));
    }
}
