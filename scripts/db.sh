#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests, started from the installed binaries.
#   scripts/db.sh up      start it (initialising it on first use) and make sure the notes database and the
#                         read-only login notes_inspector (scripts/notes-inspector.sql) exist
#   scripts/db.sh down    stop it
#   scripts/db.sh status  say whether it runs
#   scripts/db.sh reset   stop it and delete its data
#   scripts/db.sh crash   stop it the way a crash would (pg_ctl stop -m immediate: no checkpoint), for fault tests
# Environment: NOTES_DB_PORT (default 5432), NOTES_DB_DIR (where the cluster lives; default .pgdata in the repository).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${NOTES_DB_PORT:-5432}
db_name=notes db_user=notes db_pass=notes

say() { printf 'db: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && [ -x "$(dirname "$(command -v pg_ctl)")/initdb" ] && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ] && [ "${1:-}" = up ]; then
  "$repo/scripts/ensure-packages.sh" postgresql || die "PostgreSQL server binaries not found: install Debian's 'postgresql' package (sudo apt-get install -y postgresql)."
  bindir=$(find_bindir) || die "PostgreSQL was installed but initdb/pg_ctl were not found under /usr/lib/postgresql/*/bin."
fi

# PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user,
# which needs search permission on every parent folder of its data directory.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
  owner=postgres
else
  as_owner() { "$@"; }
  owner=$(id -un)
fi

reachable_by_owner() { as_owner test -x "$1" 2>/dev/null; }

state_dir() {
  if [ -n "${NOTES_DB_DIR:-}" ]; then echo "$NOTES_DB_DIR"
  elif reachable_by_owner "$repo"; then echo "$repo/.pgdata"
  # The repository sits under a folder the cluster's owner cannot enter: keep the cluster under /tmp instead.
  else echo "/tmp/notes-pgdata-$(printf '%s' "$repo" | md5sum | cut -c1-8)"
  fi
}

state=$(state_dir)
data="$state/data"
sock="$state/run"
log="$state/postgres.log"
pg_ctl() { as_owner "$bindir/pg_ctl" -D "$data" "$@"; }
psql_super() { as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres "$@"; }

running() { [ -n "$bindir" ] && [ -f "$data/PG_VERSION" ] && pg_ctl status >/dev/null 2>&1; }

# The port the running cluster listens on: line 4 of postmaster.pid, whatever NOTES_DB_PORT says now.
running_port() { sed -n 4p "$data/postmaster.pid" 2>/dev/null; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

answers_with_notes_login() {
  [ -n "$bindir" ] || return 1
  PGPASSWORD=$db_pass PGCONNECT_TIMEOUT=3 "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U "$db_user" -d "$db_name" -c 'select 1' >/dev/null 2>&1
}

init_cluster() {
  say "initialising a new cluster in $data (owner: $owner)"
  mkdir -p "$state"
  [ "$(id -u)" = 0 ] && chown "$owner" "$state"
  chmod 700 "$state"
  local pwfile
  pwfile=$(as_owner mktemp)
  # the superuser gets a random password nobody needs: the owner reaches it through the socket
  as_owner sh -c "head -c 24 /dev/urandom | base64 > '$pwfile'"
  as_owner "$bindir/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --pwfile="$pwfile" >"$state/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; cat "$state/initdb.log" >&2; die "initdb failed"; }
  rm -f "$pwfile"
  # peer authentication maps the OS user that owns the cluster to the postgres superuser
  as_owner sh -c "printf 'local all postgres peer map=owner\nlocal all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n' > '$data/pg_hba.conf'"
  as_owner sh -c "printf 'owner %s postgres\n' '$owner' >> '$data/pg_ident.conf'"
}

up() {
  if running; then
    local actual
    actual=$(running_port)
    [ "$actual" = "$port" ] \
      || die "the private cluster already runs on port $actual; stop it first (make db-down) to start it on $port"
    say "already running on 127.0.0.1:$port ($data)"
  else
    if port_taken; then
      if answers_with_notes_login; then
        say "a PostgreSQL server already answers on 127.0.0.1:$port with the notes credentials (docker compose?); using it"
        return 0
      fi
      die "port $port is taken by another server: stop it, or choose another port, e.g. NOTES_DB_PORT=5433 make db-up (then run the API and tests with the same NOTES_DB_PORT)"
    fi
    [ -f "$data/PG_VERSION" ] || init_cluster
    as_owner mkdir -p "$sock"
    say "starting PostgreSQL $(basename "$(dirname "$bindir")") on 127.0.0.1:$port"
    # pg_ctl hands -o to a shell: the socket folder is quoted for a repository path with spaces in it
    case $sock in *\'*) die "the cluster's folder may not contain a single quote: $sock (set NOTES_DB_DIR)" ;; esac
    pg_ctl -l "$log" -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port -k '$sock' -c max_connections=200 -c fsync=on" start >/dev/null \
      || { tail -20 "$log" >&2; die "PostgreSQL did not start (log: $log)"; }
  fi
  psql_super <<SQL
select format('create role %I login createdb password %L', '$db_user', '$db_pass')
where not exists (select from pg_roles where rolname = '$db_user') \gexec
select format('create database %I owner %I', '$db_name', '$db_user')
where not exists (select from pg_database where datname = '$db_name') \gexec
SQL
  psql_super <"$repo/scripts/notes-inspector.sql"
  say "ready: postgresql://$db_user:****@127.0.0.1:$port/$db_name (read-only login for inspection: notes_inspector)"
}

down() {
  if running; then pg_ctl -m fast -w stop >/dev/null && say "stopped"; else say "not running"; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status)
    if ! running; then say "not running"; exit 3; fi
    actual=$(running_port)
    if [ "$actual" = "$port" ]; then say "running on 127.0.0.1:$actual ($data)"
    else say "running on 127.0.0.1:$actual, not on $port (NOTES_DB_PORT) ($data); make db-down, then make db-up to move it"
    fi ;;
  reset) down; rm -rf "$state"; say "deleted $state" ;;
  crash) if running; then pg_ctl -m immediate -w stop >/dev/null && say "crashed (stopped at once, no checkpoint)"; else say "not running"; fi ;;
  *) echo "usage: $0 up|down|status|reset|crash" >&2; exit 2 ;;
esac
