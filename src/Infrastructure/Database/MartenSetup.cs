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
                var connection = DatabaseSettings.Resolve(provider.GetRequiredService<IConfiguration>());
                connection.ApplicationName ??= "notes-api";

                var options = new StoreOptions();
                options.Connection(connection.ConnectionString);
                // Stored JSON is the wire JSON: camelCase System.Text.Json on both sides.
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                // Integer ids come from Marten's HiLo sequence; IRevisioned adds the numeric revision behind ETags.
                options.Schema.For<Note>();
                // The schema is applied once at start-up (DatabaseStartup), never lazily on a request's path.
                options.AutoCreateSchemaObjects = AutoCreate.None;
                return options;
            })
            .UseLightweightSessions();

        services.AddHostedService<DatabaseStartup>();
        return services;
    }
}
