#!/usr/bin/env bash
# The cluster part of make bench: reads and writes through nginx with 1, 2 and 3 API instances (bench.py), and where
# the cores went. Uses the running cluster (and leaves it with 3 instances), or brings one up and takes it down again.
# BENCH_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_THREADS (2) as for the rest of make bench; BENCH_DOCS=1 also copies
# the table and the chart into docs/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/.artifacts/bench"
duration=${BENCH_SECONDS:-10} connections=${BENCH_CONNECTIONS:-32} threads=${BENCH_THREADS:-2}

started=
finish() { if [ -n "$started" ]; then "$here/cluster.sh" down; else "$here/cluster.sh" scale 3; fi; }
trap finish EXIT
if ! "$here/cluster.sh" running; then
  started=1
  "$here/cluster.sh" up
fi

mkdir -p "$out"
# a token for the requests when the cluster takes them (none when it runs open)
NOTES_TOKEN=$("$here/cluster.sh" token cluster-bench)
export NOTES_TOKEN
/usr/bin/python3 "$here/bench.py" "$("$here/cluster.sh" where)" "$out" "$duration" "$connections" "$threads"
echo "bench: wrote $out/cluster.md and $out/cluster.svg"
if [ "${BENCH_DOCS:-}" = 1 ]; then
  cp "$out/cluster.svg" "$repo/docs/img/bench-cluster.svg"
  { echo "Measured on $(date -u +%Y-%m-%d), $(nproc) cores shared by wrk, nginx, the instances, both PostgreSQL nodes,"
    echo "Patroni and etcd (and whatever else ran on the machine); ${duration} s per run, $connections connections."
    echo; cat "$out/cluster.md"; } >"$repo/docs/snippets/bench-cluster.txt"
  echo "bench: copied into docs/img/bench-cluster.svg and docs/snippets/bench-cluster.txt"
fi
