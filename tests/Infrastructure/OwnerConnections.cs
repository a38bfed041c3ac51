using Notes.Features.Notes;
using Notes.Infrastructure.Auth;
using Npgsql;

namespace Notes.Tests.Infrastructure;

/// <summary>Connections of a test's own to a notes database, around the API, on which every statement sees one owner's notes.</summary>
public static class OwnerConnections
{
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, string owner = Caller.OpenModeOwner)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var setOwner = new NpgsqlCommand($"select set_config('{NoteRegistry.OwnerSetting}', $1, false)", connection) { Parameters = { new() { Value = owner } } };
        await setOwner.ExecuteNonQueryAsync();
        return connection;
    }
}
