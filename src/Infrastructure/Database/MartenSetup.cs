using JasperFx;
using Notes.Features.Notes;
using NpgsqlTypes;
using Weasel.Core;

namespace Notes.Infrastructure.Database;

public static class MartenSetup
{
    /// <summary>The text search configuration of the notes' full-text index and of every search (see docs/api.md).</summary>
    public const string TextSearchConfig = "simple";

    /// <summary>The commands' pool's name in metrics (Npgsql names it after its connection string otherwise).</summary>
    public const string PoolName = "notes";

    public static IServiceCollection AddNotesDatabase(this IServiceCollection services)
    {
        services
            .AddMarten(provider =>
            {
                var configuration = provider.GetRequiredService<IConfiguration>();
                var connection = DatabaseSettings.Resolve(configuration);
                connection.ApplicationName ??= "notes-api";
                // The slices' statements are few and run again and again: Npgsql prepares them after a few uses.
                if (connection.MaxAutoPrepare == 0)
                {
                    connection.MaxAutoPrepare = 64;
                }

                var options = new StoreOptions();
                options.Connection(DatabaseSettings.DataSourceConnectionString(connection));
                options.DatabaseSchemaName = DatabaseSettings.Schema(configuration);
                options.ConfigureNpgsqlDataSourceBuilder(dataSource => dataSource.Name = PoolName);
                // With several hosts Marten picks the server type itself (read-write unless told): the connection
                // strings' Target Session Attributes tell it, for commands and for queries.
                if (DatabaseSettings.TargetSession(connection) is { } writes)
                {
                    options.Advanced.MultiHostSettings.WriteSessionPreference = writes;
                }

                if (DatabaseSettings.TargetSession(DatabaseSettings.ResolveQueries(configuration) ?? connection) is { } reads)
                {
                    options.Advanced.MultiHostSettings.ReadSessionPreference = reads;
                }

                // Stored JSON is the wire JSON: camelCase System.Text.Json on both sides.
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                // Integer ids come from Marten's HiLo table (see HiLoIds); IRevisioned adds the numeric revision behind ETags.
                // completed, createdAt and updatedAt are also columns (readable in adminer); the text has a full-text
                // index. The lists order by (column, id) and continue after a row value (column, id) > (at, id): each
                // order has an index of exactly those columns, also behind completed, so that a page starts from an
                // index range scan and never re-reads the notes that share a timestamp (see NoteListing).
                options.Schema.For<Note>()
                    .Duplicate(note => note.Completed)
                    .Duplicate(note => note.CreatedAt, pgType: "timestamptz", dbType: NpgsqlDbType.TimestampTz)
                    .Duplicate(note => note.UpdatedAt, pgType: "timestamptz", dbType: NpgsqlDbType.TimestampTz)
                    .Index([note => note.CreatedAt, note => note.Id])
                    .Index([note => note.UpdatedAt, note => note.Id])
                    .Index([note => note.Completed, note => note.CreatedAt, note => note.Id])
                    .Index([note => note.Completed, note => note.UpdatedAt, note => note.Id])
                    .FullTextIndex(TextSearchConfig, note => note.Text);
                options.Logger(new StatementLogger(provider.GetRequiredService<ILogger<IDocumentStore>>()));
                options.ConfigurePolly(StatementRetries.Configure);
                // The schema is applied once at start-up (DatabaseStartup), never lazily on a request's path.
                options.AutoCreateSchemaObjects = AutoCreate.None;
                return options;
            })
            .BuildSessionsWith<NotesSessionFactory>();

        services.AddSingleton(provider => NoteTable.Of(provider.GetRequiredService<IDocumentStore>()));
        services.AddSingleton(typeof(HiLoIds<>));
        services.AddSingleton<QueryDatabase>();
        services.AddHostedService<DatabaseStartup>();
        return services;
    }
}
