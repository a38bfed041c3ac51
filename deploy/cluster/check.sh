#!/usr/bin/env bash
# make cluster-check: the cluster's proofs (check.py) with their figures, in .artifacts/cluster-check/.
# Uses the running cluster, or brings one up and takes it down again at the end. Bounded: 15 minutes at most.
# CLUSTER_CHECK_DOCS=1 also copies the figures and the failover chart into docs/ when every proof passed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/.artifacts/cluster-check"

started=
trap '[ -z "$started" ] || "$here/cluster.sh" down' EXIT
if ! "$here/cluster.sh" running; then
  started=1
  "$here/cluster.sh" up
fi
state=$("$here/cluster.sh" where)
# a token for the requests when the cluster takes them (none when it runs open)
NOTES_TOKEN=$("$here/cluster.sh" token cluster-check)
export NOTES_TOKEN

rm -rf "$out" && mkdir -p "$out"
status=0
timeout 900 /usr/bin/python3 "$here/check.py" "$state" "$out" || status=$?
if [ "$status" != 0 ]; then
  # what the parts logged, for the post-mortem (the cluster's own folder goes with make cluster-down)
  mkdir -p "$out/logs"
  cp "$state"/*.log "$state"/api/*.log "$state"/nginx/*.log "$out/logs/" 2>/dev/null || true
  for node in pg1 pg2; do
    cp "$state/$node/patroni.log" "$out/logs/$node-patroni.log" 2>/dev/null || true
    cp "$state/$node/patroni.out" "$out/logs/$node-postgres.log" 2>/dev/null || true
  done
  echo "cluster-check: failed; the parts' logs are in $out/logs" >&2
fi
if [ "$status" = 0 ] && [ "${CLUSTER_CHECK_DOCS:-}" = 1 ]; then
  cp "$out/failover.svg" "$repo/docs/img/failover.svg"
  { echo "Measured on $(date -u +%Y-%m-%d) by make cluster-check, $(nproc) cores shared by the load, nginx, three"
    echo "instances, both PostgreSQL nodes, Patroni and etcd (and whatever else ran on the machine)."
    echo; cat "$out/results.md"; } >"$repo/docs/snippets/cluster-check-results.txt"
  echo "cluster-check: copied into docs/img/failover.svg and docs/snippets/cluster-check-results.txt"
fi
exit "$status"
