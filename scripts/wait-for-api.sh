#!/usr/bin/env bash
# Waits for the API at $1 to be ready (up to $2 seconds, default 10); says how to start it when it is not there.
set -euo pipefail
host=${1:-http://localhost:5000}
seconds=${2:-10}
for _ in $(seq 1 $((seconds * 2))); do
  curl -fsS -o /dev/null "$host/health/ready" 2>/dev/null && exit 0
  sleep 0.5
done
echo "no Notes API answers at $host: start it with 'make run' in another terminal (or pass HOST=...)" >&2
exit 1
