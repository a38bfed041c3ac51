# Sourced by scripts that need the API on a database of its own (screenshots, adminer check, metrics check):
#   api_sandbox_start NAME PORT   builds the API (Release), creates database NAME_<pid> on the local PostgreSQL,
#                                 serves the API on 127.0.0.1:PORT (PORT 0: a free port) and waits until it is ready;
#                                 sets SANDBOX_URL, SANDBOX_DB, SANDBOX_DB_SERVER, SANDBOX_PID (the API's process)
#   api_sandbox_stop              stops the API and drops its database (also run on exit)
# Needs the private PostgreSQL (make db-up) or another server with the notes login, on NOTES_DB_PORT.

SANDBOX_DB_PORT=${NOTES_DB_PORT:-5432}
SANDBOX_DB_SERVER="127.0.0.1:$SANDBOX_DB_PORT"
_sandbox_pid=
SANDBOX_DB=

_sandbox_sql() { PGPASSWORD=notes psql -X -q -h 127.0.0.1 -p "$SANDBOX_DB_PORT" -U notes -d notes "$@"; }

api_sandbox_start() {
  local name=$1 port=$2 repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  [ "$port" = 0 ] && port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  SANDBOX_URL="http://127.0.0.1:$port"
  SANDBOX_DB="${name}_$$"
  trap api_sandbox_stop EXIT
  echo "sandbox: building the API (Release)"
  dotnet build "$repo/Notes.csproj" -c Release --nologo -v quiet >/dev/null
  _sandbox_sql -c "create database $SANDBOX_DB"
  ConnectionStrings__Notes="Host=127.0.0.1;Port=$SANDBOX_DB_PORT;Database=$SANDBOX_DB;Username=notes;Password=notes" \
    db_host= db_port= db_name= db_user= db_pass= ssl_mode= Logging__LogLevel__Default=Warning Shutdown__DrainSeconds=0 \
    dotnet "$repo/bin/Release/net10.0/Notes.dll" --urls "$SANDBOX_URL" >"${SANDBOX_LOG:-/dev/null}" 2>&1 &
  _sandbox_pid=$!
  SANDBOX_PID=$_sandbox_pid
  "$repo/scripts/wait-for-api.sh" "$SANDBOX_URL" 60
  echo "sandbox: the API serves $SANDBOX_URL on database $SANDBOX_DB"
}

api_sandbox_stop() {
  if [ -n "$_sandbox_pid" ]; then
    kill "$_sandbox_pid" 2>/dev/null || true
    wait "$_sandbox_pid" 2>/dev/null || true
    _sandbox_pid=
  fi
  if [ -n "$SANDBOX_DB" ]; then
    _sandbox_sql -c "drop database if exists $SANDBOX_DB with (force)" || true
    SANDBOX_DB=
  fi
}
