#!/usr/bin/env bash
# make bench: the API side by side with its baseline, a bare ASP.NET Core + Npgsql service over the same table with
# the same contract (bench/Baseline), and with PostgreSQL alone running the baseline's statements (pgbench).
#
# Both services are Release builds on 127.0.0.1 (the baseline on 5088, the API on 5089), each on a database of its own
# on the one PostgreSQL (NOTES_DB_PORT), with the same content: the API seeds a database through POST /notes/import,
# and each service gets a copy of it (create database ... template ...). A third, the reference (5087), is the API as
# it was at an earlier commit (BENCH_REFERENCE), built in Release from this repository's history into
# .artifacts/bench-reference/COMMIT (kept between runs); its schema is older (int ids, the public schema), so it gets a
# database of its own seeded through its own POST /notes/import with the same notes. Before anything is measured,
# bench/parity.py checks that the baseline answers byte for byte as the API does, and that the reference answers as
# the API does but for timestamps and what the contract changed since (parity.py's KNOWN); another difference is shown,
# and stops the bench unless BENCH_REFERENCE_DIFFERS=1.
# Then, scenario by scenario of the main ones, wrk puts the API, the reference, the baseline and the API again under
# the same load in turn (the API first and last, the other two in an order that alternates), and pgbench runs the
# same statements on PostgreSQL alone: the API's two runs give its own swing, which the reference's figures are judged
# against. A second pass does the same with the API started with Telemetry__Enabled=false (run once) and the baseline,
# on fresh copies of the databases; the reference is measured in the first pass only. Over 1,000,000 notes: the first
# page, and the last by cursor and by offset, beside the first page over 1,000 notes; the whole export (GET /notes/all)
# beside psql \copy; the peak memory of hostile imports (bench/hostile-import.bench.sh); the changes feed's streams
# (bench/streams.bench.sh): each write's delivery to 1,000 open streams, and the RSS of 10,000 idle ones. And process
# start to the first 200, of the API, the baseline, and the floor (bench/Floor: the design's fixed stack, Carter,
# MediatR, FluentValidation and Marten, with one use case and nothing of the API's own).
# Writes .artifacts/bench/{results.md,results.json,bench.svg} (raw outputs in .artifacts/bench/raw, service logs in
# .artifacts/bench/logs); BENCH_DOCS=1 also copies the tables and the chart into docs/.
#
# Settings (environment):
#   BENCH_SECONDS=8           each measured run (wrk, pgbench), after a warm-up of BENCH_WARMUP=3 seconds; a process
#                             just started is first warmed up for BENCH_FRESH_WARMUP=30 seconds at BENCH_CONNECTIONS: under
#                             load it keeps getting faster for tens of seconds, while the runtime recompiles its hot code
#   BENCH_CONNECTIONS=32      wrk connections and pgbench clients; BENCH_THREADS=2 wrk threads and pgbench jobs
#   BENCH_NOTES=2000          notes in the databases of the main scenarios
#   BENCH_HIGH="256 1024"     connections of the high-concurrency POST runs ("" to leave them out)
#   BENCH_TELEMETRY_OFF=1     0 leaves out the second pass (the API with Telemetry__Enabled=false)
#   BENCH_BIG_NOTES=1000000   notes for the deep pages and the export; BENCH_BIG=0 leaves that part out (quick run)
#   BENCH_DEEP_CONNECTIONS=4  connections for the deep pages (each request counts every note), BENCH_DEEP_SECONDS=5 each
#   BENCH_EXPORT_RUNS=3       exports per service (and psql \copy runs) after one unmeasured; the median is reported
#   BENCH_HOSTILE_MIB=256     size of the hostile import bodies (bench/hostile-import.bench.sh); 0 leaves them out
#   BENCH_AUTH=1              0 leaves out the signed-in reads (bench/auth.bench.sh: the API open and with bearer tokens, side by side);
#                             BENCH_AUTH_PAIRS=30 pairs of runs of BENCH_AUTH_SECONDS=2 each, the ratio their median
#   BENCH_STREAMS=1           0 leaves out the streams of changes (bench/streams.bench.sh, the API started with the
#                             ChangeStreams limits raised above the counts): BENCH_STREAMS_LIVE=1000 streams that get each
#                             of BENCH_STREAMS_WRITES=200 writes, at most BENCH_STREAMS_RATE=5 a second (delivery p50-p99,
#                             goal p99 < 100 ms), and BENCH_STREAMS_IDLE=10000 idle streams held BENCH_STREAMS_HOLD=20 s
#                             (the API's RSS, goal < 512 MB)
#   BENCH_COLD_RUNS=5         starts per service for the start-up time; the median is reported
#   BENCH_POOL=50             Maximum Pool Size of both services (the shared PostgreSQL allows 200 connections)
#   BENCH_LOG_LEVEL=Warning   Logging__LogLevel__Default of both services
#   BENCH_SCENARIOS="..."     only these main scenarios (read-one list filtered create update patch high)
#   BENCH_REFERENCE=99579d9   the commit built and measured as the reference in the main scenarios' first pass (the
#                             main branch when issue #16 was filed); empty leaves the reference (and the API's second
#                             run of each scenario) out
#
# Modular: each scenario is a function, and bench_phases lists the phases that run. A script that adds a part (a
# cluster, say) sources this file with BENCH_LIBRARY=1 to get the functions without running anything, or drops a file
# bench/*.bench.sh, which main sources before the phases run, that defines its own and appends it to bench_phases.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${BENCH_SECONDS:-8}
warmup=${BENCH_WARMUP:-3}
fresh_warmup=${BENCH_FRESH_WARMUP:-30}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
notes=${BENCH_NOTES:-2000}
high=${BENCH_HIGH-256 1024}
telemetry_off=${BENCH_TELEMETRY_OFF:-1}
big=${BENCH_BIG:-1}
big_notes=${BENCH_BIG_NOTES:-1000000}
deep_connections=${BENCH_DEEP_CONNECTIONS:-4}
deep_seconds=${BENCH_DEEP_SECONDS:-5}
export_runs=${BENCH_EXPORT_RUNS:-3}
cold_runs=${BENCH_COLD_RUNS:-5}
pool=${BENCH_POOL:-50}
log_level=${BENCH_LOG_LEVEL:-Warning}
scenarios=${BENCH_SCENARIOS:-read-one list filtered create update patch high}
reference=${BENCH_REFERENCE-99579d9}
db_port=${NOTES_DB_PORT:-5432}
api_port=5089
baseline_port=5088
reference_port=5087
signed_port=5086          # the API signed in, beside the open one (bench/auth.bench.sh)
out=.artifacts/bench
raw=$out/raw
export BENCH_NOTES=$notes

# What the baseline sends as parameters, for pgbench's runs of its statements (pgbench would read :name in a literal).
note_json='{"id":0,"text":"Benchmark note","completed":false,"createdAt":"2026-11-25T00:00:00.123456Z","updatedAt":"2026-11-25T00:00:00.123456Z"}'
update_json='{"updatedAt":"2026-11-25T00:00:00.123456Z","text":"Benchmark note, edited","completed":true}'
patch_json='{"updatedAt":"2026-11-25T00:00:00.123456Z","completed":true}'

api_dll=$out/publish/api/Notes.dll # published ReadyToRun, as the baseline (Directory.Build.props)
baseline_dll=$out/publish/baseline/Notes.Baseline.dll
floor_dll=$out/publish/floor/Notes.Floor.dll
reference_dir=        # the reference's sources and build, once build_reference has resolved the commit
pgbench=$(ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1 || true)
[ -x "$pgbench" ] || pgbench=$(command -v pgbench || true)

started_at=$SECONDS
declare -A pids=()       # target -> process id of a running service
declare -A fresh=()      # target -> 1 until its first measured run: it gets a longer warm-up
created_databases=()
variant=api              # the API variant of the current pass: api, or api-notel (Telemetry__Enabled=false)
pass=1                   # 1: the API as shipped; 2: with telemetry off. PostgreSQL alone runs in pass 1 only.
runs=0                   # measured scenarios so far: the order of the services alternates with it

say() { printf 'bench: [%02d:%02d] %s\n' $(((SECONDS - started_at) / 60)) $(((SECONDS - started_at) % 60)) "$*"; }
die() { say "$*" >&2; exit 1; }
# The bench's own SQL names Marten's tables unqualified: they resolve in the API's schema (Database__Schema). Its
# statements, pgbench's and the baseline's (Npgsql reads PGOPTIONS too) see the notes of open mode's owner, as the API
# in open mode does: row-level security shows a session no row until it names an owner.
export PGOPTIONS="-c search_path=${Database__Schema:-public} -c notes.owner=*DEFAULT*"
sql() { PGPASSWORD=notes psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$db_port" -U notes "$@"; }
count() { printf "%'d" "$1"; }

# --- databases --------------------------------------------------------------------------------------------------

db_name() { echo "bench_$$_$1"; }

db_create() { # NAME [TEMPLATE]
  local name template=${2:-}
  name=$(db_name "$1")
  sql -d notes -c "create database $name${template:+ template $(db_name "$template")}"
  created_databases+=("$name")
}

db_drop() { sql -d notes -c "drop database if exists $(db_name "$1") with (force)"; }

connection_string() { echo "Host=127.0.0.1;Port=$db_port;Database=$(db_name "$1");Username=notes;Password=notes;Maximum Pool Size=$pool"; }

# --- services ---------------------------------------------------------------------------------------------------

url_of() {
  case $1 in
    baseline | floor) echo "http://127.0.0.1:$baseline_port" ;; # the floor runs only in the cold starts, one process at a time
    reference) echo "http://127.0.0.1:$reference_port" ;;
    api-signed) echo "http://127.0.0.1:$signed_port" ;;
    *) echo "http://127.0.0.1:$api_port" ;; # api, api-notel, and api-again (the API's second run of a scenario)
  esac
}

service_of() { echo "${1%-again}"; } # the process a target's runs go to

# The command line that starts a target on a database: the API (as shipped, telemetry on), the API with
# Telemetry__Enabled=false, the baseline, or the reference. The seed's db_* variables would override parts of the
# connection string (make exports db_port), so they are cleared.
service_command() { # TARGET DATABASE
  local target=$1 database=$2
  local -a command=(env -u db_host -u db_port -u db_name -u db_user -u db_pass -u ssl_mode)
  # the reference from its own folder (its appsettings.json), in the public schema its statements name
  [ "$target" != reference ] || command+=(-u Database__Schema --chdir="$reference_dir")
  command+=("ConnectionStrings__Notes=$(connection_string "$database")" "Logging__LogLevel__Default=$log_level" DOTNET_NOLOGO=1)
  case $target in
    api) command+=(dotnet "$api_dll" --urls "$(url_of api)") ;;
    api-notel) command+=(Telemetry__Enabled=false dotnet "$api_dll" --urls "$(url_of api)") ;;
    api-signed) command+=("${signed_in[@]}" dotnet "$api_dll" --urls "$(url_of api-signed)") ;;
    baseline) command+=(dotnet "$baseline_dll" --urls "$(url_of baseline)") ;;
    floor) command+=(dotnet "$floor_dll" --urls "$(url_of floor)") ;;
    reference) command+=(dotnet "$reference_dir/publish/Notes.dll" --urls "$(url_of reference)") ;;
    *) die "unknown target $target" ;;
  esac
  printf '%s\n' "${command[@]}"
}

start() { # TARGET DATABASE
  local target=$1 database=$2 other
  for other in $(case $target in baseline | reference | api-signed) echo "$target" ;; *) echo api api-notel ;; esac); do # one service per port
    [ -z "${pids[$other]:-}" ] || die "$(url_of "$target") is already served by $other"
  done
  mapfile -t command < <(service_command "$target" "$database")
  "${command[@]}" >>"$out/logs/$target.log" 2>&1 &
  pids[$target]=$!
  fresh[$target]=1
  scripts/wait-for-api.sh "$(url_of "$target")" 60 || die "$target did not start (log: $out/logs/$target.log)"
}

stop() { # TARGET
  local pid=${pids[$1]:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "pids[$1]"
}

stop_all() { for target in "${!pids[@]}"; do stop "$target"; done; }

cleanup() {
  stop_all
  for name in "${created_databases[@]}"; do
    sql -d notes -c "drop database if exists $name with (force)" 2>/dev/null || true
  done
}

# --- measuring --------------------------------------------------------------------------------------------------

record() { (IFS=$'\t'; echo "$*") >>"$out/runs.tsv"; }

summary() { # a wrk output on one line: requests/s, p50, p99, failures
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
       /Socket errors/ {gsub(",", ""); errors=$4+$6+$8+$10}
       END {printf "%s req/s, p50 %s, p99 %s, non-2xx %d, socket errors %d", rps, p50, p99, bad, errors}' "$1"
}

rps_ratio() { awk '/Requests\/sec/ {v[++n]=$2} END {printf (n == 2 && v[2] > 0) ? "%.2f" : "?", v[1] / v[2]}' "$1" "$2"; }

wrk_run() { # NAME TARGET CONNECTIONS PATH [LUA]
  local name=$1 target=$2 conns=$3 path=$4 script=${5:-} file
  file=$raw/$name.$target.$pass.wrk.txt
  local -a args=(-t"$threads" --timeout 10s --latency)
  [ -z "$script" ] || args+=(-s "$script")
  local url service
  url=$(url_of "$target")$path
  service=$(service_of "$target")
  if [ "${fresh[$service]:-0}" = 1 ]; then
    # a process just started runs unoptimised code until the runtime has recompiled what the traffic makes hot:
    # warm it at the ordinary load first, so that no scenario measures a start-up
    wrk "${args[@]}" -c"$((conns < connections ? conns : connections))" -d"${fresh_warmup}s" "$url" >/dev/null
    fresh[$service]=0
  fi
  wrk "${args[@]}" -c"$conns" -d"${warmup}s" "$url" >/dev/null
  wrk "${args[@]}" -c"$conns" -d"${seconds}s" "$url" >"$file"
  say "    $(printf '%-9s' "$target") $(summary "$file")"
  record wrk "$name" "$target" "$pass" "$conns" "$file"
}

pgbench_run() { # NAME SQL DATABASE CLIENTS [pgbench -D definitions...]: pass 1 only
  local name=$1 script=$2 database=$3 clients=$4 file=$raw/$1.postgres.pgbench.txt
  shift 4
  [ "$pass" = 1 ] || return 0
  [ -x "$pgbench" ] || { say "    pgbench not found: no PostgreSQL-alone column"; return 0; }
  PGPASSWORD=notes "$pgbench" -n -h 127.0.0.1 -p "$db_port" -U notes -M prepared -c "$clients" -j "$threads" \
    -T "$seconds" -D "notes=$notes" "$@" -f "$script" "$(db_name "$database")" >"$file" 2>&1 \
    || { say "    pgbench failed (see $file)"; return 0; }
  say "    postgres  $(awk '/^tps/ {print $3; exit}' "$file") tx/s, latency average $(awk '/latency average/ {print $4, $5}' "$file")"
  record pgbench "$name" postgres "$pass" "$clients" "$file"
}

# One scenario under wrk: the pass's API variant and the baseline in turn, which first alternating with each scenario.
# With the reference running (main scenarios, pass 1): the API, then the reference and the baseline in an order that
# alternates, then the API again, whose two runs measure its own swing.
measure() { # GROUP NAME LABEL CONNECTIONS PATH [LUA]
  local group=$1 name=$2 label=$3 conns=$4 path=$5 script=${6:-} order
  [ "$pass" != 1 ] || record scenario "$name" "$group" "$label" "$conns"
  say "$label: $conns connections, ${seconds} s each (after ${warmup} s of warm-up)"
  if [ "$group" = main ] && [ -n "${pids[reference]:-}" ]; then
    order=("$variant" reference baseline "$variant-again")
    [ $((runs++ % 2)) = 0 ] || order=("$variant" baseline reference "$variant-again")
  else
    order=("$variant" baseline)
    [ $((runs++ % 2)) = 0 ] || order=(baseline "$variant")
  fi
  for target in "${order[@]}"; do
    wrk_run "$name" "$target" "$conns" "$path" "$script"
  done
  say "    $variant / baseline: $(rps_ratio "$raw/$name.$variant.$pass.wrk.txt" "$raw/$name.baseline.$pass.wrk.txt")"
  [ -z "${pids[reference]:-}" ] || [ "$group" != main ] \
    || say "    $variant / reference: $(rps_ratio "$raw/$name.$variant.$pass.wrk.txt" "$raw/$name.reference.$pass.wrk.txt")," \
      "$variant again / reference: $(rps_ratio "$raw/$name.$variant-again.$pass.wrk.txt" "$raw/$name.reference.$pass.wrk.txt")"
}

# --- the scenarios ----------------------------------------------------------------------------------------------

build() {
  say "publishing the API, the baseline and the floor (Release, ReadyToRun)"
  dotnet publish Notes.csproj -c Release --use-current-runtime --self-contained false -o "$out/publish/api" --nologo -v quiet >"$out/logs/build.log" 2>&1 \
    && dotnet publish bench/Baseline/Baseline.csproj -c Release --use-current-runtime --self-contained false -o "$out/publish/baseline" --nologo -v quiet >>"$out/logs/build.log" 2>&1 \
    && dotnet publish bench/Floor/Floor.csproj -c Release --use-current-runtime --self-contained false -o "$out/publish/floor" --nologo -v quiet >>"$out/logs/build.log" 2>&1 \
    || { tail -20 "$out/logs/build.log" >&2; die "the build failed (log: $out/logs/build.log)"; }
  build_reference
}

# The reference: the commit BENCH_REFERENCE of this repository, extracted (git archive) and published in Release,
# ReadyToRun as the API and the baseline are, in a folder of its own under .artifacts/bench-reference, which later runs
# reuse.
build_reference() {
  [ -n "$reference" ] || { say "no reference build (BENCH_REFERENCE is empty)"; return 0; }
  local commit
  commit=$(git rev-parse --verify --quiet "$reference^{commit}") \
    || die "BENCH_REFERENCE=$reference is no commit of this repository (a shallow clone? git fetch --unshallow)"
  reference_dir=$PWD/.artifacts/bench-reference/$commit
  record setting reference "${commit:0:9}" reference_date "$(git log -1 --format=%cs "$commit")"
  if [ -f "$reference_dir/publish/Notes.dll" ]; then
    say "the reference: commit ${commit:0:9} ($(git log -1 --format=%cs "$commit")), built before in $reference_dir"
    return 0
  fi
  say "publishing the reference: commit ${commit:0:9} ($(git log -1 --format=%cs "$commit")) in Release, ReadyToRun"
  rm -rf "$reference_dir" && mkdir -p "$reference_dir"
  git archive "$commit" | tar -x -C "$reference_dir"
  dotnet publish "$reference_dir/Notes.csproj" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
    -o "$reference_dir/publish" --nologo -v quiet >"$out/logs/build-reference.log" 2>&1 \
    || { tail -20 "$out/logs/build-reference.log" >&2; rm -rf "$reference_dir"; die "the reference's build failed (log: $out/logs/build-reference.log)"; }
}

# A database NAME of COUNT notes seeded by the API through POST /notes/import, vacuumed and analysed: every service
# gets a copy of it, the same content made the way a user would make it.
seed_database() { # NAME COUNT
  local name=$1 total=$2
  db_create "$name"
  start api "$name"
  say "seeding $(count "$total") notes through the API's POST /notes/import"
  /usr/bin/python3 scripts/seed.py "$(url_of api)" "$total" 2>&1 | tr '\r' '\n' | tail -1 | sed 's/^/    /'
  stop api
  sql -d "$(db_name "$name")" -c "vacuum analyze mt_doc_note"
}

# The reference's database: COUNT notes through its own POST /notes/import (the same notes: scripts/seed.py's are the
# same on every run), in the schema it made at its start.
seed_reference() { # COUNT
  db_create reference
  start reference reference
  say "seeding $(count "$1") notes through the reference's POST /notes/import"
  /usr/bin/python3 scripts/seed.py "$(url_of reference)" "$1" 2>&1 | tr '\r' '\n' | tail -1 | sed 's/^/    /'
  stop reference
  sql -d "$(db_name reference)" -c "vacuum analyze public.mt_doc_note"
}

# Starts the pass's API variant and the baseline, each on a fresh copy of TEMPLATE.
start_pass() { # TEMPLATE
  local template=$1
  stop_all
  db_create "${template}_${variant//-/_}" "$template"
  db_create "${template}_baseline_$pass" "$template"
  start_services "$template"
}

# The pass's API variant and the baseline, started afresh on the copies start_pass made of TEMPLATE.
start_services() { # TEMPLATE
  stop_all
  start "$variant" "${1}_${variant//-/_}"
  start baseline "${1}_baseline_$pass"
}

scenario_cold_start() { # DATABASE
  say "cold start: process start to the first 200 of GET /notes/1, $cold_runs runs each, in turn"
  stop_all
  local -A times=()
  for _ in $(seq 1 "$cold_runs"); do
    for target in api baseline floor api-notel; do
      mapfile -t command < <(service_command "$target" "$1")
      times[$target]+=" $(/usr/bin/python3 bench/measure.py cold-start 1 "$(url_of "$target")/notes/1" -- "${command[@]}")" \
        || die "cold start of $target failed"
    done
  done
  for target in api baseline floor api-notel; do
    say "    $(printf '%-9s' "$target")${times[$target]} ms"
    # shellcheck disable=SC2086
    record cold "$target" ${times[$target]}
  done
}

scenario_parity() {
  local status=0
  local -a services=("$(url_of "$variant")" "$(url_of baseline)" "$notes")
  [ -z "${pids[reference]:-}" ] || services+=("$(url_of reference)")
  say "parity: the baseline must answer as the API does${pids[reference]:+, and the reference too (timestamps aside)}"
  /usr/bin/python3 bench/parity.py "${services[@]}" >"$out/parity.txt" 2>&1 || status=$?
  sed 's/^/    /' "$out/parity.txt"
  case $status in
    0) ;;
    2) [ "${BENCH_REFERENCE_DIFFERS:-}" = 1 ] \
         || die "the reference answers differently from the API (above); BENCH_REFERENCE_DIFFERS=1 measures them side by side all the same" ;;
    *) die "the baseline and the API answer differently: measuring them side by side would mean nothing" ;;
  esac
}

scenario_read_one() {
  measure main read-one "GET /notes/{id}" "$connections" / bench/read-one.lua
  pgbench_run read-one bench/read-one.sql pg "$connections"
}

scenario_list() {
  measure main list "GET /notes?skip=&take=20" "$connections" / bench/list.lua
  pgbench_run list bench/list.sql pg "$connections"
}

scenario_filtered() {
  measure main filtered "GET /notes?completed=&q=&take=20" "$connections" / bench/filtered.lua
  pgbench_run filtered bench/filtered.sql pg "$connections"
}

scenario_create() {
  measure main create "POST /notes" "$connections" /notes bench/create.lua
  pgbench_run create bench/create.sql pg "$connections" -D "note=$note_json"
}

scenario_update() {
  measure main update "PUT /notes/{id}" "$connections" / bench/update.lua
  pgbench_run update bench/update.sql pg "$connections" -D "changes=$update_json"
}

scenario_patch() {
  measure main patch "PATCH /notes/{id}" "$connections" / bench/patch.lua
  pgbench_run patch bench/patch.sql pg "$connections" -D "changes=$patch_json"
}

# Creates from many more clients than threads: throughput must stay within a small factor of the best.
scenario_high() {
  for conns in $high; do
    measure main "create-$conns" "POST /notes" "$conns" /notes bench/create.lua
  done
}

phase_main() {
  say "phase: $(count "$notes") notes"
  seed_database seed "$notes"
  [ -z "$reference" ] || seed_reference "$notes"
  db_create pg seed
  sql -d "$(db_name pg)" -c "create sequence bench_ids start 100000000"
  scenario_cold_start seed
  local -a passes=(api)
  [ "$telemetry_off" = 0 ] || passes+=(api-notel)
  for variant in "${passes[@]}"; do
    pass=$([ "$variant" = api ] && echo 1 || echo 2)
    say "pass $pass: $([ "$pass" = 1 ] && echo "the API as shipped" || echo "the API with Telemetry__Enabled=false") and the baseline$([ "$pass" != 1 ] || [ -z "$reference" ] || echo ", and the reference")"
    start_pass seed
    # the reference, beside the API as shipped (pass 1) only: on its database as seeded, which only pass 1 writes to
    [ "$pass" != 1 ] || [ -z "$reference" ] || start reference reference
    [ "$pass" != 1 ] || scenario_parity
    for scenario in $scenarios; do
      declare -F "scenario_${scenario//-/_}" >/dev/null || die "unknown scenario $scenario"
      "scenario_${scenario//-/_}"
    done
  done
  variant=api pass=1
  stop_all
}

# The last page of all the notes by cursor (after=) and by offset (skip=), beside the first page.
# The default page over 1,000 notes: what the pages over 1,000,000 are compared with (the same cost at any size).
scenario_small_page() {
  local seconds=$deep_seconds
  measure deep page-1k "first page over 1,000 notes" "$deep_connections" "/notes?take=20"
}

scenario_deep_page() {
  local total last_after seconds=$deep_seconds # (the functions called see this duration)
  total=$(sql -d "$(db_name big)" -Atc "select count(*) from mt_doc_note")
  last_after=$(sql -d "$(db_name big)" -Atc "select id from mt_doc_note order by id offset $((total - 21)) limit 1")
  measure deep deep-first "first page" "$deep_connections" "/notes?take=20"
  pgbench_run deep-first bench/deep-page.sql big "$deep_connections" -D after=0 -D skip=0
  measure deep deep-after "last page by after=" "$deep_connections" "/notes?after=$last_after&take=20"
  pgbench_run deep-after bench/deep-page.sql big "$deep_connections" -D "after=$last_after" -D skip=0
  measure deep deep-skip "last page by skip=" "$deep_connections" "/notes?skip=$((total - 20))&take=20"
  pgbench_run deep-skip bench/deep-page.sql big "$deep_connections" -D after=0 -D "skip=$((total - 20))"
}

# The whole table through GET /notes/all, beside psql \copy of the same column: time and peak resident memory (the
# process's high-water mark, reset just before each export), on services started for it, after one unmeasured export.
scenario_export() {
  say "GET /notes/all over $(count "$big_notes") notes, $export_runs runs each, beside psql \\copy of the same column"
  local run target result code time bytes peak pid
  for target in "$variant" baseline; do # a first export, not measured, compiles each service's export path
    curl -sS -o /dev/null "$(url_of "$target")/notes/all"
  done
  for run in $(seq 1 "$export_runs"); do
    for target in "$variant" baseline postgres; do
      if [ "$target" = postgres ]; then
        result=$(PGPASSWORD=notes /usr/bin/python3 bench/measure.py run -- psql -X -q -h 127.0.0.1 -p "$db_port" -U notes \
          -d "$(db_name big)" -c "\\copy (select data from mt_doc_note order by id) to '/dev/null'")
        read -r time peak <<<"$result"
        bytes=-
      else
        pid=${pids[$target]}
        echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
        result=$(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{size_download}' "$(url_of "$target")/notes/all")
        read -r code time bytes <<<"$result"
        [ "$code" = 200 ] || die "GET /notes/all on $target answered $code"
        peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
      fi
      say "    $(printf '%-9s' "$target") run $run: $time s, peak RSS $((peak / 1024)) MB, $bytes bytes"
      record export "$target" "$run" "$time" "$peak" "$bytes"
    done
  done
}

phase_big() {
  [ "$big" = 1 ] || { say "phase: $(count "$big_notes") notes left out (BENCH_BIG=0)"; return 0; }
  say "phase: $(count "$big_notes") notes: the API as shipped and the baseline"
  seed_database small 1000
  start_pass small
  scenario_small_page
  stop_all
  seed_database big "$big_notes"
  start_pass big
  scenario_deep_page
  # The export on processes started afresh (on the same databases): its peak memory is then the export's, not what
  # the deep pages left.
  start_services big
  scenario_export
  stop_all
}

bench_phases=(phase_main phase_big)

main() {
  command -v wrk >/dev/null || die "wrk not found (Debian package wrk)"
  rm -rf "$out" && mkdir -p "$raw" "$out/logs"
  trap cleanup EXIT
  say "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); ${seconds} s per run, $connections connections; PostgreSQL on 127.0.0.1:$db_port"
  record setting seconds "$seconds" connections "$connections" notes "$notes" \
    big_notes "$([ "$big" = 1 ] && echo "$big_notes" || echo 0)" cores "$(nproc)" load "$(cut -d' ' -f1 /proc/loadavg)" \
    date "$(date -u +%Y-%m-%d)"
  build
  for plugin in bench/*.bench.sh; do
    # shellcheck disable=SC1090
    [ ! -e "$plugin" ] || source "$plugin"
  done
  for phase in "${bench_phases[@]}"; do "$phase"; done
  cleanup
  trap - EXIT
  record setting minutes "$(((SECONDS - started_at + 30) / 60))" load_end "$(cut -d' ' -f1 /proc/loadavg)"
  echo
  /usr/bin/python3 bench/report.py "$out"
  echo
  say "done in $(((SECONDS - started_at) / 60)) min $(((SECONDS - started_at) % 60)) s: $out/results.md, $out/bench.svg"
  if [ "${BENCH_DOCS:-}" = 1 ]; then
    cp "$out/bench.svg" docs/img/bench.svg
    { echo '![The API beside the baseline and PostgreSQL alone](img/bench.svg)'; echo; cat "$out/results.md"; } >docs/snippets/bench-results.txt
    say "copied into docs/img/bench.svg and docs/snippets/bench-results.txt"
  fi
}

# (one compound command, read whole before it runs: editing this file during a run cannot derail it)
[ "${BENCH_LIBRARY:-}" = 1 ] || { main "$@"; exit $?; }
