# Sourced by scripts/bench.sh: the changes feed's server-sent event streams (GET /notes/changes, Accept:
# text/event-stream), driven by bench/streams.py from one asyncio loop, on the API started for each part on a copy of
# the main phase's seeded database, with the stream limits raised above the counts (ChangeStreams__MaxConcurrent and
# ChangeStreams__SlotsPerCaller: every stream comes from one address, which open mode counts as one caller).
#   delivery: BENCH_STREAMS_LIVE (1,000) streams from now on, then BENCH_STREAMS_WRITES (200) POST /notes one after
#             the other, at most BENCH_STREAMS_RATE (5) a second; each delivery's latency from the POST's answer to the
#             event on each stream. Goal: p99 under 100 ms, no delivery missing.
#   idle:     BENCH_STREAMS_IDLE (10,000) streams from now on, held BENCH_STREAMS_HOLD (20) seconds, on an API process
#             started for it: its RSS before, while held, and its peak. Goal: under 512 MB, every stream 200
#             text/event-stream, and the API well (/health/ready 200) once they are closed.
# BENCH_STREAMS=0 leaves it out.
streams=${BENCH_STREAMS:-1}
streams_live=${BENCH_STREAMS_LIVE:-1000}
streams_idle=${BENCH_STREAMS_IDLE:-10000}
streams_writes=${BENCH_STREAMS_WRITES:-200}
streams_rate=${BENCH_STREAMS_RATE:-5}
streams_hold=${BENCH_STREAMS_HOLD:-20}

streams_line= # the figures of the last run of bench/streams.py

# Transactions PostgreSQL has run on a database (the feed's reads among them), as its statistics have them.
streams_transactions() { sql -d notes -Atc "select xact_commit + xact_rollback from pg_stat_database where datname = '$(db_name "$1")'"; }

streams_run() { # MODE DATABASE STREAMS [bench/streams.py options...]
  local mode=$1 database=$2 count=$3 status=0 limit=$(($3 + 100)) transactions
  shift 3
  db_create "$database" seed
  ChangeStreams__MaxConcurrent=$limit ChangeStreams__SlotsPerCaller=$limit start api "$database"
  transactions=$(streams_transactions "$database")
  # progress and a summary on stderr, indented under the phase; the figures, one JSON line, on stdout
  streams_line=$(/usr/bin/python3 bench/streams.py "$mode" "$(url_of api)" --streams "$count" --pid "${pids[api]}" "$@" \
    2> >(sed -u 's/^/    /' >&2)) || status=$?
  stop api # (its connections closed: their statistics are in)
  [ -n "$streams_line" ] || die "bench/streams.py $mode gave no figures (exit $status)"
  transactions=$(($(streams_transactions "$database") - transactions))
  say "    PostgreSQL ran $(count "$transactions") transactions on the API's database meanwhile"
  streams_line=$(/usr/bin/python3 -c 'import json, sys; f = json.loads(sys.argv[1]); f["database_transactions"] = int(sys.argv[2]); print(json.dumps(f))' \
    "$streams_line" "$transactions")
  [ "$status" = 0 ] || say "    $mode: some streams were refused or dropped, or deliveries are missing (see the figures above)"
  record streams "$streams_line"
}

phase_streams() {
  [ "$streams" = 1 ] || { say "phase: streams of changes left out (BENCH_STREAMS=0)"; return 0; }
  stop_all
  say "phase: changes feed, $(count "$streams_live") streams: $streams_writes writes at most $streams_rate a second, each delivered to every stream"
  streams_run live streams_live "$streams_live" --writes "$streams_writes" --rate "$streams_rate"
  say "phase: changes feed, $(count "$streams_idle") idle streams held $streams_hold s: the API's RSS"
  streams_run idle streams_idle "$streams_idle" --hold "$streams_hold"
}

bench_phases+=(phase_streams)
