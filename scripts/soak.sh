#!/usr/bin/env bash
# make soak: a mixed locust load (locust/soak.py: the users of locustfile.py) against a Release build of the API on a
# database of its own, for SOAK (default 5m), while the API's resident memory (RSS) is sampled every second.
# Fails on any 5xx or unanswered request, or on memory that keeps growing (soak/report.py says how that is judged).
# Writes .artifacts/soak/{soak.svg,result.md,rss.csv,requests.csv}; SOAK_DOCS=1 also copies the chart and the
# result into docs/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/api-sandbox.sh
duration=${SOAK:-5m} users=${SOAK_USERS:-40} spawn_rate=${SOAK_SPAWN_RATE:-10}
out=.artifacts/soak
seconds=$(/usr/bin/python3 -c "import re,sys; m=re.fullmatch(r'(\d+)(s|m|h)?', sys.argv[1]); \
print(int(m[1]) * {'s': 1, 'm': 60, 'h': 3600}[m[2] or 's']) if m else sys.exit('SOAK must look like 90s, 5m or 1h')" "$duration")

rm -rf "$out" && mkdir -p "$out"
SANDBOX_LOG="$out/api.log" api_sandbox_start notes_soak 5140
echo "soak: $users users (spawning $spawn_rate/s) against $SANDBOX_URL for $duration; RSS of process $SANDBOX_PID every second"

# RSS sampler: "unix seconds,RSS in KiB", until the API or the run ends
(
  echo "time,rss_kib"
  while [ -r "/proc/$SANDBOX_PID/status" ]; do
    echo "$(date +%s.%N),$(awk '/^VmRSS:/ {print $2}' "/proc/$SANDBOX_PID/status")"
    sleep 1
  done
) >"$out/rss.csv" &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; api_sandbox_stop' EXIT

# progress once a minute (and at the end), read from the samples so far
(
  start=$(date +%s)
  while sleep 60; do
    echo "soak: $(( ($(date +%s) - start) / 60 )) min of $duration, API RSS $(awk -F, 'END {printf "%.0f MiB", $2 / 1024}' "$out/rss.csv")"
  done
) &
progress=$!
trap 'kill $sampler $progress 2>/dev/null || true; api_sandbox_stop' EXIT

SOAK_REQUESTS_CSV="$out/requests.csv" locust -f locust/soak.py --host "$SANDBOX_URL" --headless \
  --users "$users" --spawn-rate "$spawn_rate" --run-time "$duration" --stop-timeout 10 --only-summary \
  >"$out/locust.txt" 2>&1 || true  # a failed request of the mix (a 412 on a stale edit, say) is not a soak failure
kill "$progress" "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true

[ -s "$out/requests.csv" ] || { tail -20 "$out/locust.txt" >&2; echo "soak: locust recorded no requests" >&2; exit 1; }
status=0
/usr/bin/python3 soak/report.py "$out" "$seconds" "$users" || status=$?
if [ "${SOAK_DOCS:-}" = 1 ]; then
  cp "$out/soak.svg" docs/img/soak.svg
  { echo "Measured on $(date -u +%Y-%m-%d): $duration, $users locust users, $(nproc) cores shared by locust, the API and"
    echo "PostgreSQL (and, on this machine, by other work: the figures are indicative)."; echo; cat "$out/result.md"; } >docs/snippets/soak-results.txt
  echo "soak: copied into docs/img/soak.svg and docs/snippets/soak-results.txt"
fi
exit $status
