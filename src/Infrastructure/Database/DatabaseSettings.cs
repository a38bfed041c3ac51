using System.Text.RegularExpressions;
using Npgsql;

namespace Notes.Infrastructure.Database;

/// <summary>
/// Where the notes database is: <c>ConnectionStrings:Notes</c>, then each of the seed's variables
/// (<c>db_host</c>, <c>db_port</c>, <c>db_name</c>, <c>db_user</c>, <c>db_pass</c>, <c>ssl_mode</c>) that is set
/// replaces its part of it. Commands use that database; queries too, unless <c>ConnectionStrings:NotesQueries</c>
/// names another way in (a standby, say).
/// </summary>
public static partial class DatabaseSettings
{
    public const string ConnectionStringName = "Notes";

    public const string QueriesConnectionStringName = "NotesQueries";

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

    /// <summary>
    /// The PostgreSQL schema of the notes' table and of Marten's own tables and functions: <c>Database:Schema</c>,
    /// <c>public</c> when unset. Marten creates it if it is missing.
    /// </summary>
    public static string Schema(IConfiguration configuration) =>
        configuration["Database:Schema"] is { Length: > 0 } schema
            ? SchemaName().IsMatch(schema) ? schema : throw new InvalidOperationException(
                $"Database:Schema must be a lowercase PostgreSQL name (letters, digits, underscores, not starting with a digit), not '{schema}'.")
            : "public";

    /// <summary>
    /// Where queries read when it is not the commands' database: <c>ConnectionStrings:NotesQueries</c> as written
    /// (the seed's variables describe the one database of the seed, the commands' one); null when it is unset.
    /// </summary>
    public static NpgsqlConnectionStringBuilder? ResolveQueries(IConfiguration configuration) =>
        configuration.GetConnectionString(QueriesConnectionStringName) is { Length: > 0 } queries
            ? new NpgsqlConnectionStringBuilder(queries)
            : null;

    /// <summary>The server type a connection string asks for (<c>Target Session Attributes</c>), null when it names none.</summary>
    public static TargetSessionAttributes? TargetSession(NpgsqlConnectionStringBuilder builder) =>
        builder.TargetSessionAttributes is { Length: > 0 } attributes
            ? Enum.Parse<TargetSessionAttributes>(attributes.Replace("-", "", StringComparison.Ordinal), ignoreCase: true)
            : null;

    /// <summary>
    /// The connection string to build a data source with. Npgsql builds one over several hosts only without
    /// <c>Target Session Attributes</c>, as the server type is asked for per connection: Marten does that with the
    /// type <see cref="TargetSession"/> read from the connection string.
    /// </summary>
    public static string DataSourceConnectionString(NpgsqlConnectionStringBuilder builder) =>
        builder.Host?.Contains(',', StringComparison.Ordinal) == true && builder.TargetSessionAttributes is not null
            ? new NpgsqlConnectionStringBuilder(builder.ConnectionString) { TargetSessionAttributes = null }.ConnectionString
            : builder.ConnectionString;

    /// <summary>The database as a URL in the seed's form (libpq's, for several hosts), password masked: safe for a log line.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        var hosts = builder.Host?.Split(',', StringSplitOptions.TrimEntries) ?? [];
        var servers = hosts.Length > 1
            ? string.Join(',', hosts.Select(host => host.Contains(':', StringComparison.Ordinal) ? host : $"{host}:{builder.Port}"))
            : $"{builder.Host}:{builder.Port}";
        var target = builder.TargetSessionAttributes is { Length: > 0 } attributes ? $"&target_session_attrs={attributes}" : "";
        return $"postgresql://{builder.Username}:****@{servers}/{builder.Database}?sslmode={SslModeName(builder.SslMode)}{target}";
    }

    private static string SslModeName(SslMode mode) => mode switch
    {
        SslMode.VerifyCA => "verify-ca",
        SslMode.VerifyFull => "verify-full",
        _ => mode.ToString().ToLowerInvariant(),
    };

    private static string? Setting(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value : null;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
