using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Notes.Features.Notes;

/// <summary>
/// What the changes feed reads: one row a note in a table beside the notes' (<see cref="Table"/>), kept by a trigger
/// on every write to the notes, whatever makes it (the API's statements, Marten's own operations, an import): the
/// note's owner and id, whether it is deleted or in the trash (a tombstone), and the transaction that last wrote it
/// (<c>pg_current_xact_id()</c>). The feed is in the order of those transaction ids, and a change shows only once
/// every transaction older than its own has ended: below the oldest transaction still running
/// (<c>pg_snapshot_xmin(pg_current_snapshot())</c>), no change can commit any more, so a follower that moves past
/// a position never meets a change behind it later. Row-level security keeps the table, too, to each owner's rows.
/// After a write, the API notifies the channel <see cref="Channel"/> with its owner, which wakes the followers waiting.
/// </summary>
public sealed class NoteFeed(NoteTable notes)
{
    public const string Channel = "note_changes";

    /// <summary>The feed's table, in the notes' schema.</summary>
    public string Table { get; } = $"{notes.Schema}.note_changes";

    /// <summary>The trigger's function, in the notes' schema.</summary>
    public string Function { get; } = $"{notes.Schema}.note_changes_record";

    /// <summary>Per owner, the newest position whose tombstones may have been purged: a follower at or before it is too far behind.</summary>
    public string Horizon { get; } = $"{notes.Schema}.note_feed_horizon";

    /// <summary>The trigger on the notes' table.</summary>
    public const string Trigger = "note_changes_trigger";

    /// <summary>Creates the table, its policy and the trigger; idempotent. The table is left under forced row-level security.</summary>
    public string Schema() => $"""
        create table if not exists {Table} (
            owner varchar not null,
            id bigint not null,
            tx xid8 not null,
            deleted boolean not null,
            changed_at timestamptz not null default transaction_timestamp(),
            primary key (owner, id));
        create index if not exists note_changes_owner_tx on {Table} (owner, tx, id);
        {OwnersOnly(Table, "note_changes_owner")}
        create table if not exists {Horizon} (owner varchar primary key, tx xid8 not null);
        {OwnersOnly(Horizon, "note_feed_horizon_owner")}
        create or replace function {Function}() returns trigger language plpgsql as $body$
        begin
            -- a note in the trash is a tombstone already: deleting it for good changes nothing a follower holds
            if tg_op = 'DELETE' and old.{notes.Trashed} then
                return old;
            end if;
            if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.{notes.Owner} <> new.{notes.Owner}) then
                insert into {Table} (owner, id, tx, deleted) values (old.{notes.Owner}, old.{notes.Id}, pg_current_xact_id(), true)
                on conflict (owner, id) do update set tx = excluded.tx, deleted = true, changed_at = transaction_timestamp();
            end if;
            if tg_op = 'DELETE' then
                return old;
            end if;
            insert into {Table} (owner, id, tx, deleted) values (new.{notes.Owner}, new.{notes.Id}, pg_current_xact_id(), new.{notes.Trashed})
            on conflict (owner, id) do update set tx = excluded.tx, deleted = excluded.deleted, changed_at = transaction_timestamp();
            return new;
        end
        $body$;
        create or replace trigger {Trigger} after insert or update or delete on {notes.Name}
            for each row execute function {Function}();
        """;

    /// <summary>
    /// Deletes the tombstones older than @days days, every owner's, and moves each owner's horizon to the newest one
    /// purged; run in a transaction that holds the purge's advisory lock, so one instance at a time purges.
    /// </summary>
    public string Purge => $"""
        alter table {Table} no force row level security;
        alter table {Horizon} no force row level security;
        with purged as (
            delete from {Table} where deleted and changed_at < transaction_timestamp() - make_interval(days => @days) returning owner, tx)
        insert into {Horizon} (owner, tx) select owner, max(tx) from purged group by owner
        on conflict (owner) do update set tx = greatest({Horizon}.tx, excluded.tx);
        alter table {Horizon} force row level security;
        alter table {Table} force row level security
        """;

    /// <summary>Row-level security on <paramref name="table"/>, forced, as on the notes: each statement sees its owner's rows alone.</summary>
    private static string OwnersOnly(string table, string policy) => $"""
        alter table {table} enable row level security;
        alter table {table} force row level security;
        drop policy if exists {policy} on {table};
        create policy {policy} on {table}
            using (owner = (select current_setting('{NoteRegistry.OwnerSetting}')))
            with check (owner = (select current_setting('{NoteRegistry.OwnerSetting}')));
        """;

    /// <summary>A change for each note from before the feed, at the position of the transaction that runs it; with row-level security lifted, as it is every owner's.</summary>
    public string Backfill => $"""
        insert into {Table} (owner, id, tx, deleted)
        select {notes.Owner}, {notes.Id}, pg_current_xact_id(), {notes.Trashed} from {notes.Name}
        on conflict (owner, id) do nothing
        """;

    /// <summary>
    /// The changes after <paramref name="since"/> that no running transaction can precede any more, in feed order, at
    /// most <paramref name="limit"/>, in one statement, so that the horizon and the changes are of one snapshot: each
    /// row is the horizon (the oldest transaction still running), whether tombstones after <paramref name="since"/>
    /// may have been purged, then the change's note id, position (tx), whether it is a tombstone, the note's JSON and
    /// revision, and the newest position whose tombstones may have been purged; a single row with no id when there is no
    /// change.
    /// </summary>
    public NpgsqlCommand Read(Position since, int limit)
    {
        var command = new NpgsqlCommand(
            $"""
            with purged as (select coalesce((select tx from {Horizon}), '0'::xid8) as tx),
            horizon as materialized (
                select pg_snapshot_xmin(pg_current_snapshot()) as xmin, purged.tx >= @tx::xid8 as gone, purged.tx as purged from purged),
            changes as (
                select c.id, c.tx, c.deleted or n.{notes.Id} is null as deleted, n.{notes.Data} as data, n.{notes.Version} as version
                from horizon, {Table} c left join {notes.Name} n on n.{notes.Owner} = c.owner and n.{notes.Id} = c.id
                where (c.tx, c.id) > (@tx::xid8, @id) and c.tx < horizon.xmin
                order by c.tx, c.id
                limit @limit)
            select horizon.xmin::text, horizon.gone, changes.id, changes.tx::text, changes.deleted, changes.data, changes.version, horizon.purged::text
            from horizon left join changes on true
            order by changes.tx, changes.id
            """);
        command.Parameters.Add(new NpgsqlParameter("tx", NpgsqlDbType.Text) { Value = since.Tx.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Bigint) { Value = since.Id });
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        return command;
    }

    /// <summary>The position of now: every change from here on comes after it.</summary>
    public static string Now => "select pg_snapshot_xmin(pg_current_snapshot())::text";

    /// <summary>
    /// A place in the feed: after the change of note <see cref="Id"/> by transaction <see cref="Tx"/>. Its token is
    /// opaque to clients: "tx.id" in base 36.
    /// </summary>
    public readonly record struct Position(ulong Tx, long Id)
    {
        public static readonly Position Start = new(0, 0);

        public string Token => Tx == 0 && Id == 0 ? "0" : $"{Base36(Tx)}.{Base36((ulong)Id)}";

        public bool IsAfter(Position other) => (Tx, Id).CompareTo((other.Tx, other.Id)) > 0;

        public static Position? Parse(string token)
        {
            if (token == "0")
            {
                return Start;
            }

            var parts = token.Split('.');
            return parts.Length == 2 && FromBase36(parts[0]) is { } tx && FromBase36(parts[1]) is { } id && id <= long.MaxValue
                ? new Position(tx, (long)id)
                : null;
        }

        private static string Base36(ulong value)
        {
            const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
            var text = new Stack<char>();
            do
            {
                text.Push(Digits[(int)(value % 36)]);
                value /= 36;
            }
            while (value > 0);
            return new string([.. text]);
        }

        private static ulong? FromBase36(string text)
        {
            if (text.Length is 0 or > 12)
            {
                return null;
            }

            ulong value = 0;
            foreach (var c in text)
            {
                var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : -1;
                if (digit < 0)
                {
                    return null;
                }

                value = (value * 36) + (ulong)digit;
            }

            return value;
        }
    }
}
