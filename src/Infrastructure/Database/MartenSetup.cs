using JasperFx;
using Marten.Storage;
using Notes.Features.Notes;
using Notes.Infrastructure.Idempotency;
using Notes.Infrastructure.Notifications;
using Npgsql;
using Weasel.Core;

namespace Notes.Infrastructure.Database;

public static class MartenSetup
{
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
                NoteRegistry.AddTo(options);
                options.Storage.ExtendedSchemaObjects.Add(IdempotencyKeys.Definition(options.DatabaseSchemaName));
                options.Logger(new StatementLogger(provider.GetRequiredService<ILogger<IDocumentStore>>()));
                options.ConfigurePolly(StatementRetries.Configure);
                // The schema is applied once at start-up (DatabaseStartup), never lazily on a request's path.
                options.AutoCreateSchemaObjects = AutoCreate.None;
                return options;
            })
            .BuildSessionsWith<NotesSessionFactory>(ServiceLifetime.Scoped);

        services.AddSingleton(provider => NoteTable.Of(provider.GetRequiredService<IDocumentStore>()));
        // First of the hosted services: the schema is applied before the others start.
        services.AddHostedService<DatabaseStartup>();
        services.AddSingleton<NoteFeed>();
        services.AddSingleton<SharedFeedReads>();
        // Wake-ups of the changes feed: notifications of the commands' database, where writes commit.
        services.AddSingleton(provider => new DatabaseNotifications(
            Primary(((MartenDatabase)provider.GetRequiredService<IDocumentStore>().Storage.Database).DataSource),
            NoteFeed.Channel,
            provider.GetRequiredService<ILogger<DatabaseNotifications>>()));
        services.AddHostedService(provider => provider.GetRequiredService<DatabaseNotifications>());
        services.AddSingleton<ExpiredPurge>();
        services.AddHostedService(provider => provider.GetRequiredService<ExpiredPurge>());
        services.AddSingleton(typeof(HiLoIds<>));
        services.AddSingleton<QueryDatabase>();
        return services;
    }

    /// <summary>The primary of several hosts (a standby can neither NOTIFY nor LISTEN); a single host as it is.</summary>
    private static NpgsqlDataSource Primary(NpgsqlDataSource dataSource) =>
        dataSource is NpgsqlMultiHostDataSource hosts ? hosts.WithTargetSession(TargetSessionAttributes.Primary) : dataSource;
}
