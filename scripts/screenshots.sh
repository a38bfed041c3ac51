#!/usr/bin/env bash
# Makes the documentation's screenshots again (docs/img/*.png): the API docs page, adminer showing mt_doc_note
# and locust's web UI during a run. It starts everything it needs on 127.0.0.1 and stops it all at the end.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
db_port=${NOTES_DB_PORT:-5432}
database="notes_screenshots_$$"
api_port=5077 adminer_port=8087 locust_port=8089
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PGPASSWORD=notes psql -X -q -h 127.0.0.1 -p "$db_port" -U notes -d notes -c "drop database if exists $database with (force)" || true
}
trap cleanup EXIT

wait_for() { # url what
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "screenshots: $2 did not answer at $1" >&2; exit 1
}

echo "screenshots: building the API and the screenshot tool"
dotnet build Notes.csproj -c Release --nologo -v quiet >/dev/null
(cd tools/screenshots && npm ci --no-audit --no-fund --silent)

PGPASSWORD=notes psql -X -q -h 127.0.0.1 -p "$db_port" -U notes -d notes -c "create database $database"
ConnectionStrings__Notes="Host=127.0.0.1;Port=$db_port;Database=$database;Username=notes;Password=notes" \
  db_host= db_port= db_name= db_user= db_pass= ssl_mode= \
  dotnet bin/Release/net10.0/Notes.dll --urls "http://127.0.0.1:$api_port" >/dev/null 2>&1 &
pids+=($!)
php -S "127.0.0.1:$adminer_port" -t /usr/share/adminer /etc/adminer/conf.php >/dev/null 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$api_port/health/ready" "the API"
wait_for "http://127.0.0.1:$adminer_port/" "adminer"

echo "screenshots: storing a few notes through the API"
for note in '{"text":"Buy milk","completed":false}' '{"text":"Call Ann about the trip","completed":true}' \
            '{"text":"Water the plants","completed":false}' '{"text":"Book the train to Lyon","completed":false}' \
            '{"text":"Reply to Sam","completed":"true"}' '{"text":"Renew the passport","completed":false}'; do
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$api_port/notes" --data "$note"
done

echo "screenshots: starting a locust run (20 users, 60 s) with its web UI"
locust -f locust/locustfile.py --host "http://127.0.0.1:$api_port" --web-host 127.0.0.1 --web-port "$locust_port" \
  --autostart --users 20 --spawn-rate 5 --run-time 60s --autoquit 5 >/dev/null 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$locust_port/" "locust"

API_URL="http://127.0.0.1:$api_port" ADMINER_URL="http://127.0.0.1:$adminer_port" LOCUST_URL="http://127.0.0.1:$locust_port" \
  DB_SERVER="127.0.0.1:$db_port" DB_NAME="$database" OUT_DIR="$repo/docs/img" \
  node tools/screenshots/take.mjs
echo "screenshots: written to docs/img/"
