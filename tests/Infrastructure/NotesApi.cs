using Marten;
using MediatR;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
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

    /// <summary>Sends a command or query through the mediator in a scope of its own, as one HTTP request would.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    /// <summary>Reads the database directly, around the API, to check what a request stored.</summary>
    public async Task<T> QueryAsync<T>(Func<IQuerySession, Task<T>> query)
    {
        await using var session = Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await query(session);
    }

    /// <summary>Runs one statement on the database directly, around the API (to set state no request can), and returns its first value.</summary>
    public async Task<object?> SqlAsync(string statement)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(statement, connection);
        return await command.ExecuteScalarAsync();
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
