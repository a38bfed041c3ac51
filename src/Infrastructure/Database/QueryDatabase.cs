using Marten.Storage;
using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>
/// The database queries read from when <c>ConnectionStrings:NotesQueries</c> names one: in a cluster the same
/// servers as the commands' with <c>Target Session Attributes=prefer-standby</c>, so reads go to a standby and fall
/// back to the primary, and a failover needs no new configuration. It has a data source, and so a pool, of its own.
/// <see cref="Database"/> is null when queries use the commands' database, as with a single PostgreSQL.
/// </summary>
internal sealed class QueryDatabase : IAsyncDisposable
{
    public const string Identifier = "queries";

    /// <summary>The pool's name in metrics (Npgsql names it after its connection string otherwise).</summary>
    public const string PoolName = "notes-queries";

    private readonly NpgsqlDataSource? _dataSource;

    public QueryDatabase(IConfiguration configuration, StoreOptions options)
    {
        if (DatabaseSettings.ResolveQueries(configuration) is not { } settings)
        {
            return;
        }

        settings.ApplicationName ??= "notes-api-queries";
        // as for the commands' connection (MartenSetup): the slices' few statements are prepared after a few uses
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 64;
        }

        _dataSource = new NpgsqlDataSourceBuilder(DatabaseSettings.DataSourceConnectionString(settings)) { Name = PoolName }.Build();
        Database = new MartenDatabase(options, _dataSource, Identifier);
    }

    public IMartenDatabase? Database { get; }

    public ValueTask DisposeAsync() => _dataSource?.DisposeAsync() ?? ValueTask.CompletedTask;
}
