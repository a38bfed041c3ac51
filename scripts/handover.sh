#!/usr/bin/env bash
# make handover USER=alice: every note of the built-in owner (*DEFAULT*: open mode's notes, and those of a database
# from before owners) becomes USER's, in one transaction; prints how many moved. Running it again moves none.
#   scripts/handover.sh USER
# The database is the API's own: ConnectionStrings__Notes, then each of the seed's variables (db_host, db_port,
# db_name, db_user, db_pass, ssl_mode) that is set, else notes/notes on localhost:5432; the table in Database__Schema
# (default public). The login must own the notes' table (the API's login does): row-level security is forced on it,
# so the transaction lifts it (and on the changes feed's table, where the move leaves a tombstone for the built-in
# owner and a change for the new one), moves the notes and forces it again.
set -euo pipefail

builtin_owner='*DEFAULT*'
max_owner_length=255 # the API refuses a token whose owner is longer

say() { printf 'handover: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 USER" >&2; exit 2; }
user=$1
[[ "$user" =~ [^[:space:]] ]] || { say "name the user who gets the notes: make handover USER=alice"; exit 2; }
[ "$user" != "$builtin_owner" ] || { say "$builtin_owner is the built-in owner the notes are handed from: name a user"; exit 2; }
[ "${#user}" -le "$max_owner_length" ] || { say "a user has at most $max_owner_length characters"; exit 2; }

schema=${Database__Schema:-public}
[[ "$schema" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] \
  || die "Database__Schema must be a lowercase PostgreSQL name (letters, digits, underscores, not starting with a digit), not '$schema'"

# Without ConnectionStrings__Notes, the API's default connection string, as DatabaseSettings has it.
if [ -n "${ConnectionStrings__Notes:-}" ]; then
  host='' port=5432 dbname='' dbuser='' password=''
else
  host=localhost port=5432 dbname=notes dbuser=notes password=notes
fi
sslmode='' connect_timeout=10

# An Npgsql connection string (Key=Value;..., a value may be quoted) into the parts psql needs; other keys (pool
# sizes, target session attributes: a handover writes, so it asks for a writable server anyway) do not matter here.
read_connection_string() {
  local rest=$1 key value
  while :; do
    rest=${rest#"${rest%%[![:space:];]*}"}
    [ -n "$rest" ] || return 0
    [[ "$rest" == *=* ]] || die "ConnectionStrings__Notes: no '=' after '$rest'"
    key=${rest%%=*} rest=${rest#*=}
    rest=${rest#"${rest%%[![:space:]]*}"}
    if [[ "$rest" =~ ^\'(([^\']|\'\')*)\'(.*)$ ]]; then
      value=${BASH_REMATCH[1]//\'\'/\'} rest=${BASH_REMATCH[3]}
    elif [[ "$rest" =~ ^\"(([^\"]|\"\")*)\"(.*)$ ]]; then
      value=${BASH_REMATCH[1]//\"\"/\"} rest=${BASH_REMATCH[3]}
    else
      value=${rest%%;*} rest=${rest:${#value}}
      value=${value%"${value##*[![:space:]]}"}
    fi
    key=${key//[[:space:]]/} key=${key,,}
    case $key in
      host | server) host=$value ;;
      port) port=$value ;;
      database | db) dbname=$value ;;
      username | user | userid | uid) dbuser=$value ;;
      password | psw | pwd) password=$value ;;
      sslmode) sslmode=$value ;;
      timeout) connect_timeout=$value ;;
    esac
  done
}

read_connection_string "${ConnectionStrings__Notes:-}"
[ -z "${db_host:-}" ] || host=$db_host
[ -z "${db_port:-}" ] || port=$db_port
[ -z "${db_name:-}" ] || dbname=$db_name
[ -z "${db_user:-}" ] || dbuser=$db_user
[ -z "${db_pass:-}" ] || password=$db_pass
[ -z "${ssl_mode:-}" ] || sslmode=$ssl_mode

# Npgsql names SSL modes VerifyCA, VerifyFull; libpq verify-ca, verify-full.
sslmode=${sslmode,,}
case $sslmode in verifyca) sslmode=verify-ca ;; verifyfull) sslmode=verify-full ;; esac

# Several hosts (Host=db1:5432,db2:5432): libpq takes their ports as a list of its own.
hosts='' ports=''
IFS=, read -r -a host_list <<<"$host"
for entry in "${host_list[@]}"; do
  entry=${entry//[[:space:]]/}
  if [[ "$entry" =~ ^(.*[^:]):([0-9]+)$ && "$entry" != *:*:* ]]; then
    hosts+=${hosts:+,}${BASH_REMATCH[1]} ports+=${ports:+,}${BASH_REMATCH[2]}
  else
    hosts+=${hosts:+,}$entry ports+=${ports:+,}$port
  fi
done

[ -n "$hosts" ] || die "ConnectionStrings__Notes names no Host"
export PGHOST=$hosts PGPORT=$ports PGCONNECT_TIMEOUT=$connect_timeout PGTARGETSESSIONATTRS=read-write PGAPPNAME=notes-handover
# A part the connection string leaves out is left to libpq's defaults (the login name, ~/.pgpass), as Npgsql does.
[ -z "$dbname" ] || export PGDATABASE=$dbname
[ -z "$dbuser" ] || export PGUSER=$dbuser
[ -z "$password" ] || export PGPASSWORD=$password
[ -z "$sslmode" ] || export PGSSLMODE=$sslmode
unset PGSERVICE PGOPTIONS PGHOSTADDR

command -v psql >/dev/null 2>&1 || die "psql not found: install Debian's postgresql-client (sudo apt-get install -y postgresql-client)"
psql_notes() { psql -X -q -A -t -v ON_ERROR_STOP=1 -v schema="$schema" -v owner="$user" -v builtin="$builtin_owner" "$@"; }

# A database the API of this build has not started on yet has no owners: say so rather than fail on a missing column.
ready=$(psql_notes <<'SQL'
select case
  when to_regclass(format('%I.mt_doc_note', :'schema')) is null then 'no-table'
  when not exists (select from pg_attribute where attrelid = to_regclass(format('%I.mt_doc_note', :'schema'))
                   and attname = 'tenant_id' and not attisdropped) then 'no-owners'
  else 'ready' end
SQL
) || die "could not reach the database postgresql://${PGUSER:-}:****@$hosts/${PGDATABASE:-}"
case $ready in
  no-table) die "there is no $schema.mt_doc_note in postgresql://${PGUSER:-}:****@$hosts/${PGDATABASE:-}: no notes to hand over (is Database__Schema right?)" ;;
  no-owners) die "$schema.mt_doc_note has no owners yet: start the API of this version on the database once (it gives every note the built-in owner), then hand them over" ;;
esac

# The ALTERs take the table's lock until the commit, so the API's requests wait meanwhile and none sees the table
# without its forced policy; lock_timeout bounds the wait for requests (an export, say) that hold it now.
moved=$(psql_notes <<'SQL'
begin;
set local lock_timeout = '30s';
set local statement_timeout = '15min';
alter table :"schema".mt_doc_note no force row level security;
alter table if exists :"schema".note_changes no force row level security;
with moved as (
  update :"schema".mt_doc_note set tenant_id = :'owner' where tenant_id = :'builtin' returning 1
)
select count(*) from moved;
alter table :"schema".mt_doc_note force row level security;
alter table if exists :"schema".note_changes force row level security;
commit;
SQL
) || die "nothing was moved (the error above says why: the login must own $schema.mt_doc_note, as the API's does, and the table must be free within 30 s)"

echo "moved $moved $([ "$moved" = 1 ] && echo note || echo notes) of the built-in owner ($builtin_owner) to $user"
