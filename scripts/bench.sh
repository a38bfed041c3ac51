#!/usr/bin/env bash
# make bench: each endpoint under wrk, side by side with its baseline: PostgreSQL alone (pgbench) running the
# statements the endpoint asks of it, for the same time and number of connections. The ratio says how much of
# what the database can do the API delivers over HTTP. Writes .artifacts/bench/{results.md,bench.svg};
# BENCH_DOCS=1 also copies them into docs/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/api-sandbox.sh
duration=${BENCH_SECONDS:-10} connections=${BENCH_CONNECTIONS:-32} threads=${BENCH_THREADS:-2}
out=.artifacts/bench
pgbench=$(ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)
[ -x "$pgbench" ] || pgbench=$(command -v pgbench) || { echo "bench: pgbench not found (Debian package postgresql)" >&2; exit 1; }

rm -rf "$out" && mkdir -p "$out"
SANDBOX_LOG="$out/api.log" api_sandbox_start notes_bench 5088
url=$SANDBOX_URL
PGPASSWORD=notes psql -X -q -h 127.0.0.1 -p "$SANDBOX_DB_PORT" -U notes -d "$SANDBOX_DB" -c "create sequence bench_ids start 10000000"

# name | label | wrk arguments. The create run comes first: it makes the notes the others read and replace.
runs=(
  "create|POST /notes|-s bench/create.lua $url/notes"
  "read-one|GET /notes/{id}|-s bench/read-one.lua $url"
  "list|GET /notes (page of 20)|$url/notes"
  "update|PUT /notes/{id}|-s bench/update.lua $url"
)
: >"$out/runs.tsv"
echo "bench: warming up the API (5 s)"
wrk -t"$threads" -c"$connections" -d5s "$url/notes" >/dev/null
for i in "${!runs[@]}"; do
  IFS='|' read -r name label args <<<"${runs[$i]}"
  echo "bench: [$((i + 1))/${#runs[@]}] $label: API under wrk for ${duration}s, $connections connections"
  # shellcheck disable=SC2086
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency $args >"$out/$name.wrk.txt"
  echo "bench:   $(grep -E 'Requests/sec' "$out/$name.wrk.txt" | xargs)"
  echo "bench: [$((i + 1))/${#runs[@]}] $label: PostgreSQL alone under pgbench for ${duration}s, $connections connections"
  PGPASSWORD=notes "$pgbench" -n -h 127.0.0.1 -p "$SANDBOX_DB_PORT" -U notes -M prepared -c "$connections" -j "$threads" \
    -T "$duration" -f "bench/$name.sql" "$SANDBOX_DB" >"$out/$name.pgbench.txt" 2>&1
  echo "bench:   $(grep -E '^tps' "$out/$name.pgbench.txt" | head -1)"
  printf '%s\t%s\n' "$name" "$label" >>"$out/runs.tsv"
done

echo
/usr/bin/python3 bench/report.py "$out"
echo
echo "bench: wrote $out/results.md and $out/bench.svg"
if [ "${BENCH_DOCS:-}" = 1 ]; then
  cp "$out/bench.svg" docs/img/bench.svg
  { echo "Measured on $(date -u +%Y-%m-%d), $(nproc) cores shared by wrk or pgbench, the API and PostgreSQL;"
    echo "${duration} s per run, $connections connections."; echo; cat "$out/results.md"; } >docs/snippets/bench-results.txt
  echo "bench: copied into docs/img/bench.svg and docs/snippets/bench-results.txt"
fi
