#!/usr/bin/env bash
# Prometheus for the Notes API, on 127.0.0.1 only.
#   scripts/metrics.sh serve   Prometheus on http://127.0.0.1:$PROMETHEUS_PORT (9090) scraping the API at each port of
#                              METRICS_PORTS (default "5000 5200 5201 5202": make run and the instances of make cluster),
#                              with the recording rules of deploy/prometheus/rules.yml; runs until Ctrl+C.
#   scripts/metrics.sh check   the same against an API of its own for a few seconds, then checks that Prometheus scraped
#                              it and that every recording rule gives a value; stops everything it started.
# Sourced by scripts/screenshots.sh for prometheus_start / prometheus_stop.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
PROMETHEUS_URL="http://127.0.0.1:$PROMETHEUS_PORT"
_prometheus_pid=

# prometheus_start DIR INTERVAL TARGET...: writes DIR/prometheus.yml and DIR/targets.json, starts Prometheus and waits for it.
prometheus_start() {
  local dir=$1 interval=$2 targets
  shift 2
  command -v prometheus >/dev/null || { echo "metrics: prometheus is not installed (Debian package prometheus)" >&2; return 1; }
  if curl -fsS -o /dev/null "$PROMETHEUS_URL/-/ready" 2>/dev/null; then
    echo "metrics: a Prometheus already answers on $PROMETHEUS_URL (a system service? stop it, or set PROMETHEUS_PORT)" >&2
    return 1
  fi
  mkdir -p "$dir/data"
  targets=$(printf '"%s",' "$@")
  printf '[{"targets": [%s], "labels": {}}]\n' "${targets%,}" >"$dir/targets.json"
  sed -e "s|@INTERVAL@|$interval|g" -e "s|@RULES@|$repo/deploy/prometheus/rules.yml|" -e "s|@TARGETS@|$dir/targets.json|" \
    "$repo/deploy/prometheus/prometheus.yml.in" >"$dir/prometheus.yml"
  promtool check config --syntax-only "$dir/prometheus.yml" >/dev/null
  promtool check rules "$repo/deploy/prometheus/rules.yml" >/dev/null
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=2d \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" >"$dir/prometheus.log" 2>&1 &
  _prometheus_pid=$!
  for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "$PROMETHEUS_URL/-/ready" 2>/dev/null && return 0
    kill -0 "$_prometheus_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "metrics: Prometheus did not start; its log:" >&2
  tail -20 "$dir/prometheus.log" >&2
  return 1
}

prometheus_stop() {
  if [ -n "$_prometheus_pid" ]; then
    kill "$_prometheus_pid" 2>/dev/null || true
    wait "$_prometheus_pid" 2>/dev/null || true
    _prometheus_pid=
  fi
}

# prometheus_value QUERY: the first value of an instant query, empty when there is none.
prometheus_value() {
  curl -fsS "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" 2>/dev/null \
    | /usr/bin/python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}

serve() {
  local targets=()
  for port in ${METRICS_PORTS:-5000 5200 5201 5202}; do targets+=("127.0.0.1:$port"); done
  trap prometheus_stop EXIT INT TERM
  prometheus_start "$repo/.artifacts/prometheus" 5s "${targets[@]}"
  echo "metrics: Prometheus on $PROMETHEUS_URL scrapes ${targets[*]} every 5 s (targets: $PROMETHEUS_URL/targets)"
  echo "metrics: request rate and p99: $PROMETHEUS_URL/graph?g0.expr=job%3Ahttp_server_requests%3Arate1m&g0.tab=0&g0.range_input=15m&g1.expr=job%3Ahttp_server_request_duration_seconds%3Ap99_1m&g1.tab=0&g1.range_input=15m"
  echo "metrics: Ctrl+C stops it; its data stays in .artifacts/prometheus/data"
  wait "$_prometheus_pid"
}

check() {
  set -euo pipefail
  source "$repo/scripts/api-sandbox.sh"
  _check_dir=$(mktemp -d)
  api_sandbox_start notes_metrics 5341
  trap 'prometheus_stop; api_sandbox_stop; rm -rf "$_check_dir"' EXIT
  prometheus_start "$_check_dir" 1s "${SANDBOX_URL#http://}"
  echo "metrics: Prometheus scrapes the API every second; sending requests for 15 s"
  local end=$((SECONDS + 15)) id
  while [ $SECONDS -lt $end ]; do
    id=$(curl -fsS -X POST "$SANDBOX_URL/notes" --data '{"text":"measured"}' | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    curl -fsS -o /dev/null "$SANDBOX_URL/notes/$id"
    curl -sS -o /dev/null "$SANDBOX_URL/notes/999999999"
    curl -fsS -o /dev/null "$SANDBOX_URL/notes?take=5"
  done
  local failed=0 rule value
  [ "$(prometheus_value 'up{job="notes-api"}')" = 1 ] || { echo "metrics: Prometheus does not reach the API" >&2; failed=1; }
  for rule in $(sed -n 's/^ *- record: //p' "$repo/deploy/prometheus/rules.yml"); do
    # the largest of the rule's series that is a number (NaN, a ratio of no requests at all, does not count)
    value=$(prometheus_value "topk(1, $rule >= 0)")
    if [ -z "$value" ]; then
      echo "metrics: the recording rule $rule has no value that is a number" >&2
      failed=1
    else
      echo "metrics: $rule = $value"
    fi
  done
  [ "$failed" = 0 ] && echo "metrics: Prometheus scrapes the API and every recording rule has a value"
  return "$failed"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-serve}" in
    serve) serve ;;
    check) check ;;
    *) echo "usage: $0 [serve|check]" >&2; exit 2 ;;
  esac
fi
