using JasperFx;
using Marten;
using Notes.Features.Notes;
using Weasel.Core;

namespace Notes.Infrastructure.Database;

public static class MartenSetup
{
    public static IServiceCollection AddNotesDatabase(this IServiceCollection services)
    {
        services
            .AddMarten(provider =>
            {
                var configuration = provider.GetRequiredService<IConfiguration>();
                var connection = DatabaseSettings.Resolve(configuration);
                connection.ApplicationName ??= "notes-api";

                var options = new StoreOptions();
                options.Connection(DatabaseSettings.DataSourceConnectionString(connection));
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
                // Integer ids come from Marten's HiLo sequence; IRevisioned adds the numeric revision behind ETags.
                options.Schema.For<Note>();
                // The schema is applied once at start-up (DatabaseStartup), never lazily on a request's path.
                options.AutoCreateSchemaObjects = AutoCreate.None;
                return options;
            })
            .BuildSessionsWith<NotesSessionFactory>();

        services.AddSingleton<QueryDatabase>();
        services.AddHostedService<DatabaseStartup>();
        services.AddHostedService<IdBlockStartup>(); // after the schema: hosted services start in order
        return services;
    }
}
