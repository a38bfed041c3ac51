using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Notes.Infrastructure.Idempotency;

/// <summary>
/// The keys of <c>Idempotency-Key</c>, per owner, in a table of the notes' schema that Marten creates with its own
/// (<see cref="Definition"/>), so that a retry through another instance finds the first answer. A key is claimed in a
/// short statement of its own before its request runs (no status yet: in progress), and then holds that request's
/// answer, or is released. Every statement names the owner: the table is keyed by it.
/// </summary>
public sealed class IdempotencyKeys(IDocumentStore store, IConfiguration configuration)
{
    public const string TableName = "idempotency_keys";

    private readonly string _table = $"{store.Options.DatabaseSchemaName}.{TableName}";

    /// <summary>How long an answer is kept: <c>Idempotency:RetentionHours</c> (24).</summary>
    public TimeSpan Retention => TimeSpan.FromHours(Math.Max(1, configuration.GetValue("Idempotency:RetentionHours", 24.0)));

    public static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("owner").AsPrimaryKey();
        table.AddColumn<string>("idempotency_key").AsPrimaryKey();
        table.AddColumn("created_at", "timestamptz").NotNull();
        // Until when a claim still in progress is believed; past it, its instance is taken for dead and a retry takes it over.
        table.AddColumn("locked_until", "timestamptz");
        table.AddColumn("fingerprint", "bytea");
        table.AddColumn("status", "integer");
        table.AddColumn("headers", "text[]");
        table.AddColumn("body", "bytea");
        table.Indexes.Add(new IndexDefinition("idempotency_keys_created_at") { Columns = ["created_at"] });
        return table;
    }

    /// <summary>
    /// Claims <paramref name="key"/> for a request that may run <paramref name="lease"/>, or finds what holds it: the
    /// answer kept, or another request still running. An expired answer or an abandoned claim is taken over.
    /// </summary>
    public async Task<Claim> ClaimAsync(string owner, string key, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    Command(
                        $"""
                        insert into {_table} as kept (owner, idempotency_key, created_at, locked_until) values ($1, $2, now(), now() + $3)
                        on conflict (owner, idempotency_key) do update
                        set created_at = now(), locked_until = excluded.locked_until, fingerprint = null, status = null, headers = null, body = null
                        where kept.created_at < now() - $4 or (kept.status is null and kept.locked_until < now())
                        returning created_at
                        """,
                        owner, key, lease, Retention),
                    Command($"select status, fingerprint, headers, body from {_table} where owner = $1 and idempotency_key = $2", owner, key),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return new Claim.Taken(reader.GetFieldValue<DateTime>(0));
            }

            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return await reader.IsDBNullAsync(0, cancellationToken)
                    ? new Claim.InProgress()
                    : new Claim.Answered(new KeptAnswer(
                        reader.GetInt32(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<byte[]>(3)));
            }

            // Released between the two statements: claim it again.
        }

        return new Claim.InProgress();
    }

    /// <summary>Keeps the answer of the request that holds the claim made at <paramref name="claimedAt"/>.</summary>
    public Task StoreAsync(string owner, string key, DateTime claimedAt, KeptAnswer answer, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"update {_table} set fingerprint = $4, status = $5, headers = $6, body = $7, locked_until = null "
            + "where owner = $1 and idempotency_key = $2 and created_at = $3 and status is null",
            cancellationToken,
            owner, key, claimedAt, answer.Fingerprint, answer.Status, answer.Headers, answer.Body);

    /// <summary>Gives up the claim made at <paramref name="claimedAt"/>, so that the client may send the request again.</summary>
    public Task ReleaseAsync(string owner, string key, DateTime claimedAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"delete from {_table} where owner = $1 and idempotency_key = $2 and created_at = $3 and status is null",
            cancellationToken,
            owner, key, claimedAt);

    /// <summary>Deletes every owner's expired answers and claims; how many.</summary>
    public Task<int> PurgeAsync(CancellationToken cancellationToken) =>
        ExecuteAsync($"delete from {_table} where created_at < now() - $1", cancellationToken, Retention);

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        Add(command.Parameters, values);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        Add(command.Parameters, values);
        return command;
    }

    private static void Add(NpgsqlParameterCollection parameters, params object[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(value switch
            {
                TimeSpan interval => new NpgsqlParameter { Value = interval, NpgsqlDbType = NpgsqlDbType.Interval },
                DateTime timestamp => new NpgsqlParameter { Value = timestamp, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                _ => new NpgsqlParameter { Value = value },
            });
        }
    }

    /// <summary>What a claim found.</summary>
    public abstract record Claim
    {
        /// <summary>The key is this request's now; <see cref="ClaimedAt"/> names the claim.</summary>
        public sealed record Taken(DateTime ClaimedAt) : Claim;

        /// <summary>A request with the key is still running.</summary>
        public sealed record InProgress : Claim;

        /// <summary>The key's request was answered.</summary>
        public sealed record Answered(KeptAnswer Answer) : Claim;
    }
}

/// <summary>
/// An answer kept for a key: its status, a few of its headers (name, value, name, value, ...), its body, and the
/// fingerprint of the request it answered.
/// </summary>
public sealed record KeptAnswer(int Status, byte[] Fingerprint, string[] Headers, byte[] Body);
