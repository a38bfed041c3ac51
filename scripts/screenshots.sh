#!/usr/bin/env bash
# Makes the documentation's screenshots again (docs/img/*.png): the API docs page, adminer showing mt_doc_note,
# locust's web UI during a run and Prometheus's graphs of that run. It starts everything it needs on 127.0.0.1
# and stops it all at the end. Adminer is logged in to with the read-only login notes_inspector
# (scripts/notes-inspector.sql), as docs/adminer.md says.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source scripts/api-sandbox.sh
source scripts/metrics.sh
adminer_port=8087 locust_port=8089 load_seconds=90
helpers=()
prometheus_dir=$(mktemp -d)
stop_all() { for pid in "${helpers[@]}"; do kill "$pid" 2>/dev/null || true; done; prometheus_stop; api_sandbox_stop; rm -rf "$prometheus_dir"; }

echo "screenshots: installing the screenshot tool"
(cd tools/screenshots && npm ci --no-audit --no-fund --silent)
api_sandbox_start notes_screenshots 5077
trap stop_all EXIT
prometheus_start "$prometheus_dir" 2s "${SANDBOX_URL#http://}"
php -S "127.0.0.1:$adminer_port" -t /usr/share/adminer /etc/adminer/conf.php >/dev/null 2>&1 &
helpers+=($!)

echo "screenshots: storing a few notes through the API"
for note in '{"text":"Buy milk","completed":false}' '{"text":"Call Ann about the trip","completed":true}' \
            '{"text":"Water the plants","completed":false}' '{"text":"Book the train to Lyon","completed":false}' \
            '{"text":"Reply to Sam","completed":"true"}' '{"text":"Renew the passport","completed":false}'; do
  curl -fsS -o /dev/null -X POST "$SANDBOX_URL/notes" --data "$note"
done

echo "screenshots: starting a locust run (20 users, $load_seconds s) with its web UI, which Prometheus watches"
load_started=$(date +%s%3N)
locust -f locust/locustfile.py --host "$SANDBOX_URL" --web-host 127.0.0.1 --web-port "$locust_port" \
  --autostart --users 20 --spawn-rate 5 --run-time "${load_seconds}s" --autoquit 5 >/dev/null 2>&1 &
helpers+=($!)
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$locust_port/" 2>/dev/null && break; sleep 0.5; done

API_URL="$SANDBOX_URL" ADMINER_URL="http://127.0.0.1:$adminer_port" LOCUST_URL="http://127.0.0.1:$locust_port" \
  PROMETHEUS_URL="$PROMETHEUS_URL" LOAD_STARTED_MS="$load_started" LOAD_SECONDS="$load_seconds" \
  DB_SERVER="$SANDBOX_DB_SERVER" DB_NAME="$SANDBOX_DB" OUT_DIR="$repo/docs/img" \
  node tools/screenshots/take.mjs
echo "screenshots: written to docs/img/"
