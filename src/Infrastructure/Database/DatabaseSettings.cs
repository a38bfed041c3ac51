using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Where the notes database is: <c>ConnectionStrings:Notes</c>, then each of the seed's variables
/// (<c>db_host</c>, <c>db_port</c>, <c>db_name</c>, <c>db_user</c>, <c>db_pass</c>, <c>ssl_mode</c>) that is set
/// replaces its part of it.
/// </summary>
public static class DatabaseSettings
{
    public const string ConnectionStringName = "Notes";

    /// <summary>The database of <c>make db-up</c> and <c>docker compose up -d</c>: the API needs no configuration for it.</summary>
    private const string DefaultConnectionString = "Host=localhost;Port=5432;Database=notes;Username=notes;Password=notes";

    public static NpgsqlConnectionStringBuilder Resolve(IConfiguration configuration)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(ConnectionStringName) ?? DefaultConnectionString);

        if (Setting(configuration, "db_host") is { } host)
        {
            builder.Host = host;
        }

        if (Setting(configuration, "db_port") is { } port)
        {
            builder.Port = int.TryParse(port, out var number) && number is > 0 and < 65536
                ? number
                : throw new InvalidOperationException($"db_port must be a TCP port number, not '{port}'.");
        }

        if (Setting(configuration, "db_name") is { } name)
        {
            builder.Database = name;
        }

        if (Setting(configuration, "db_user") is { } user)
        {
            builder.Username = user;
        }

        if (Setting(configuration, "db_pass") is { } password)
        {
            builder.Password = password;
        }

        if (Setting(configuration, "ssl_mode") is { } sslMode)
        {
            // libpq spells them disable, allow, prefer, require, verify-ca, verify-full
            builder.SslMode = Enum.TryParse<SslMode>(sslMode.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                ? mode
                : throw new InvalidOperationException($"ssl_mode must be one of disable, allow, prefer, require, verify-ca, verify-full, not '{sslMode}'.");
        }

        return builder;
    }

    /// <summary>The database as a URL in the seed's form, password masked: safe for a log line.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"postgresql://{builder.Username}:****@{builder.Host}:{builder.Port}/{builder.Database}?sslmode={SslModeName(builder.SslMode)}";

    private static string SslModeName(SslMode mode) => mode switch
    {
        SslMode.VerifyCA => "verify-ca",
        SslMode.VerifyFull => "verify-full",
        _ => mode.ToString().ToLowerInvariant(),
    };

    private static string? Setting(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value : null;
}
