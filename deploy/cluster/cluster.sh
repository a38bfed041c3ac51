#!/usr/bin/env bash
# The Notes API as a cluster on one machine, from Debian's packages, all on 127.0.0.1:
#   etcd (:2379), two PostgreSQL nodes under Patroni with a synchronous standby (pg1 :5441, pg2 :5442; Patroni's
#   REST API on :8008, :8009), three API instances (:5200-5202) and nginx in front of them on http://localhost:5000,
#   plus a supervisor that starts again an instance that exits and takes a draining instance out of nginx.
#   nginx's configuration never changes while it runs: it lists all three instances, and one that is stopped
#   refuses connections, which nginx handles by itself (next instance, out for 15 s).
#
#   deploy/cluster/cluster.sh up        start it all (installing the packages when root); it stops by itself after
#                                       NOTES_CLUSTER_MINUTES (default 120). NOTES_AUTH=on (make cluster AUTH=on): the
#                                       instances take only bearer tokens of the dev key (scripts/dev-auth.sh)
#   deploy/cluster/cluster.sh status    the nodes' roles and lag, the instances' health, connections per node
#   deploy/cluster/cluster.sh scale N   keep N API instances (1-3) running and behind nginx
#   deploy/cluster/cluster.sh down      stop all of it and delete its data
#   deploy/cluster/cluster.sh where     the folder its files are in
#   deploy/cluster/cluster.sh running   exit code 0 when it runs
#   deploy/cluster/cluster.sh token USER a bearer token for USER when the cluster runs with NOTES_AUTH=on; nothing
#                                       when it runs open
#   deploy/cluster/cluster.sh preflight what up does before it starts anything: writes the servers' files and checks
#                                       that their user reaches them, then deletes them again
#
# Its files live in .cluster/ (under /tmp when the repository sits where the postgres user cannot reach it), or in
# NOTES_CLUSTER_DIR. As root, PostgreSQL, Patroni, etcd and nginx run as the postgres user, started from /.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

etcd_port=2379 etcd_peer_port=2380
nodes=(pg1 pg2) pg_ports=(5441 5442) rest_ports=(8008 8009)
api_ports=(5200 5201 5202)
lb_port=5000
# Each instance has two pools (commands, queries) of at most pool_size connections per node: 3 x 2 x 12 = 72 of a
# node's 100, leaving room for Patroni, replication, superuser_reserved_connections and psql.
pool_size=12 max_connections=100
minutes=${NOTES_CLUSTER_MINUTES:-120}

say() { printf 'cluster: %s\n' "$*" >&2; }
note() { printf '%s %s\n' "$(date +%T.%3N)" "$*" >&2; } # the supervisor's log lines
die() { say "$*"; exit 1; }

# --- who runs the servers, and where their files are -------------------------------------------------------------

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  owner=postgres
  # setpriv execs the server itself, so $! is the server's pid
  owner_prefix=(setpriv --reuid=postgres --regid=postgres --init-groups --)
else
  owner=$(id -un)
  owner_prefix=()
fi
# from_root COMMAND...: COMMAND, started from / as scripts/db.sh starts PostgreSQL. The repository may sit in a
# folder the postgres user cannot enter (a clone under /root, or in mktemp -d), and the servers' children go back
# into their working directory: Patroni's through Python's multiprocessing, which fails there with a PermissionError.
from_root() { cd / && exec "$@"; }
as_owner() { (from_root "${owner_prefix[@]}" "$@"); }

state_dir() {
  if [ -n "${NOTES_CLUSTER_DIR:-}" ]; then echo "$NOTES_CLUSTER_DIR"
  elif [ "$owner" = "$(id -un)" ] || as_owner test -x "$repo"; then echo "$repo/.cluster"
  else echo "/tmp/notes-cluster-$(printf '%s' "$repo" | md5sum | cut -c1-8)"
  fi
}
state=$(state_dir)
pids="$state/pids"

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

install_packages() {
  local missing=() pkg
  for pkg in patroni etcd-server nginx postgresql curl; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  # Their own system services (etcd on 2379, nginx on 80, a PostgreSQL on 5432) must not start: this cluster runs
  # its own servers. policy-rc.d is Debian's way to say so to the packages' install scripts.
  local policy=/usr/sbin/policy-rc.d made_policy=
  if [ "$(id -u)" = 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  local status=0
  "$repo/scripts/ensure-packages.sh" "${missing[@]}" || status=$?
  [ -n "$made_policy" ] && rm -f "$policy"
  return "$status"
}

# --- processes ---------------------------------------------------------------------------------------------------

pid_of() { [ -f "$pids/$1" ] && cat "$pids/$1"; }
alive() { local pid; pid=$(pid_of "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# start NAME LOG COMMAND...: in a session of its own, detached from the terminal
start() {
  local name=$1 log=$2
  shift 2
  (from_root setsid "$@" >>"$log" 2>&1 </dev/null) &
  echo $! >"$pids/$name"
}

# stop NAME [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 20)
stop() {
  local name=$1 seconds=${2:-20} pid
  pid=$(pid_of "$name") || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((seconds * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { say "$name did not stop in ${seconds}s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$pids/$name"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds
wait_for() {
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 $((seconds * 4))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  die "$what: not there after ${seconds}s (logs in $state)"
}

http_ok() { curl -fs -o /dev/null --max-time 2 "$1"; }

# --- configuration -----------------------------------------------------------------------------------------------

render() { # render TEMPLATE KEY=VALUE...: the template with each @KEY@ replaced
  local template=$1 text pair
  shift
  text=$(<"$template")
  for pair in "$@"; do text=${text//@${pair%%=*}@/${pair#*=}}; done
  printf '%s\n' "$text"
}

# The instances' connection string for one side (primary for commands, prefer-standby for queries): both nodes,
# so a failover needs no new configuration. Npgsql remembers each host's role for Host Recheck Seconds (10 by
# default); 2 lets the commands find the new primary within 2 s of its promotion.
connection_string() {
  local hosts="127.0.0.1:${pg_ports[0]},127.0.0.1:${pg_ports[1]}"
  printf 'Host=%s;Database=notes;Username=notes;Password=notes;Target Session Attributes=%s;Maximum Pool Size=%s;Host Recheck Seconds=2' \
    "$hosts" "$1" "$pool_size"
}

write_upstreams() { # nginx's list of instances: all of them, always. One that is stopped (scaled down, or not
  # started again yet) refuses connections: nginx sends the request on and leaves it out for fail_timeout, with no
  # reload of nginx, which would close the clients' idle keep-alive connections.
  local port
  for port in "${api_ports[@]}"; do
    printf 'server 127.0.0.1:%s max_fails=1 fail_timeout=15s;\n' "$port"
  done >"$state/nginx/upstreams.conf"
}

write_files() { # every folder and file the servers use, in $state (none in the repository), made theirs
  local i node folders=("$state/etcd" "${nodes[@]/#/$state/}")
  mkdir -p "$pids"
  # data and logs (and patroni.yml's passwords) for the owner's eyes only
  install -d -m 700 "${folders[@]}"
  install -d -m 755 "$state/nginx" "$state/nginx/temp"
  secret() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
  superuser_password=$(secret) replication_password=$(secret) rewind_password=$(secret)
  # the superuser's password, for status and the checks; readable by whoever started the cluster
  (umask 077 && printf 'PGPASSWORD=%s\n' "$superuser_password" >"$state/superuser.env")
  # Patroni runs it as the owner, who may not reach deploy/cluster/
  install -m 755 "$here/post-bootstrap.sh" "$state/post-bootstrap.sh"
  install -m 644 "$repo/scripts/notes-inspector.sql" "$state/notes-inspector.sql"
  for i in "${!nodes[@]}"; do
    node=${nodes[$i]}
    render "$here/patroni.yml.in" NODE="$node" STATE="$state" BINDIR="$bindir" \
      REST_PORT="${rest_ports[$i]}" PG_PORT="${pg_ports[$i]}" ETCD_PORT="$etcd_port" MAX_CONNECTIONS="$max_connections" \
      SUPERUSER_PASSWORD="$superuser_password" REPLICATION_PASSWORD="$replication_password" REWIND_PASSWORD="$rewind_password" \
      | (umask 077 && cat >"$state/$node/patroni.yml")
  done
  render "$here/nginx.conf.in" STATE="$state" LB_PORT="$lb_port" >"$state/nginx/nginx.conf"
  write_upstreams
  chmod 755 "$state"
  if [ "$(id -u)" = 0 ]; then
    chown "$owner" "$state"
    chown -R "$owner:" "${folders[@]}" "$state/nginx"
  fi
}

# owner_reaches: the owner, started as the servers are, can enter its working directory again (as Patroni's children
# do), enter and write in each of the servers' folders and read each of their files (and run the executable ones).
# Otherwise one line per path it cannot use, and a start that fails now instead of after a 90 s wait.
owner_reaches() {
  local paths=("$state" "$state/etcd" "$state/nginx" "$state/nginx/temp" "$state/nginx/nginx.conf"
    "$state/nginx/upstreams.conf" "$state/post-bootstrap.sh" "$state/notes-inspector.sql") node
  for node in "${nodes[@]}"; do paths+=("$state/$node" "$state/$node/patroni.yml"); done
  as_owner /usr/bin/python3 -c '
import os, stat, sys
owner, problems, unusable = sys.argv[1], [], []
cwd = os.getcwd()
try:
    os.chdir(cwd)
except OSError as error:
    problems.append(f"{cwd} (the working directory the servers start in): {error.strerror}")
for path in sys.argv[2:]:
    if any(path.startswith(folder + "/") for folder in unusable):
        continue
    try:
        mode = os.stat(path).st_mode
        need, what = ((os.R_OK | os.W_OK | os.X_OK, "enter and write in") if stat.S_ISDIR(mode)
                      else (os.R_OK | os.X_OK, "run") if mode & 0o111 else (os.R_OK, "read"))
        problem = None if os.access(path, need) else f"cannot {what} it"
    except OSError as error:
        problem = error.strerror
    if problem:
        unusable.append(path)
        problems.append(f"{path}: {problem}")
for problem in problems:
    print(f"cluster: the {owner} user cannot use {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
' "$owner" "${paths[@]}" \
    || die "the servers run as the $owner user, which must reach these; set NOTES_CLUSTER_DIR to a folder it can enter"
}

# --- the parts ---------------------------------------------------------------------------------------------------

start_etcd() {
  say "starting etcd on 127.0.0.1:$etcd_port"
  start etcd "$state/etcd.log" "${owner_prefix[@]}" /usr/bin/etcd --name notes --data-dir "$state/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "notes=http://127.0.0.1:$etcd_peer_port" --initial-cluster-state new \
    --initial-cluster-token notes-cluster --log-level warn
  wait_for 30 "etcd" http_ok "http://127.0.0.1:$etcd_port/health"
}

start_node() { # start_node INDEX
  local i=$1 node=${nodes[$1]}
  say "starting PostgreSQL $pg_version node $node under Patroni on 127.0.0.1:${pg_ports[$i]} (REST API :${rest_ports[$i]})"
  start "$node" "$state/$node/patroni.out" "${owner_prefix[@]}" /usr/bin/patroni "$state/$node/patroni.yml"
}

# start_instance INDEX: API instance INDEX+1, with the binaries published by up. Workstation GC: three processes
# share two cores. The drain (8 s) is shorter than nginx's fail_timeout (15 s): see the supervisor.
start_instance() {
  local i=$1 n=$(($1 + 1)) auth=()
  mkdir -p "$state/api"
  # the bearer section's settings (NAME=VALUE lines) when the cluster runs with auth
  [ -f "$state/auth.env" ] && mapfile -t auth <"$state/auth.env"
  start "api$n" "$state/api/api$n.log" env --chdir="$state/app" -u db_host -u db_port -u db_name -u db_user -u db_pass -u ssl_mode \
    ConnectionStrings__Notes="$(connection_string primary)" \
    ConnectionStrings__NotesQueries="$(connection_string prefer-standby)" \
    Database__Schema="$(cat "$state/schema")" \
    ASPNETCORE_ENVIRONMENT=Production Shutdown__DrainSeconds=8 \
    DOTNET_gcServer=0 "${auth[@]}" \
    dotnet "$state/app/Notes.dll" --urls "http://127.0.0.1:${api_ports[$i]}"
}

start_nginx() {
  as_owner /usr/sbin/nginx -t -q -e "$state/nginx/error.log" -c "$state/nginx/nginx.conf" -p "$state/nginx" 2>&1 | grep -v 'the "user" directive' >&2 || true
  say "starting nginx on http://localhost:$lb_port"
  start nginx "$state/nginx/nginx.out" "${owner_prefix[@]}" /usr/sbin/nginx -e "$state/nginx/error.log" -c "$state/nginx/nginx.conf" -p "$state/nginx" -g 'daemon off;'
}

# --- the supervisor ----------------------------------------------------------------------------------------------
# Every half second it starts again a wanted instance that has exited, and takes a draining instance out of nginx.
#
# nginx (open source) has passive health checks only: it learns that an instance is gone when a request to it
# fails. For a refused connection that is harmless, as the request goes to the next instance. But an instance that
# drains on SIGTERM closes its listener after the drain, and a connection nginx opened just before (still in the
# listener's queue) is reset after nginx has sent the request: nginx must not send a POST again (the instance may
# have applied it), so that client gets a 502. So nginx has to stop sending to a draining instance before its
# listener closes, as a Kubernetes Service does on readiness. Reloading nginx without it would do that, but a reload
# closes the idle keep-alive connections of clients, which then fail the request they were sending. Instead, the
# supervisor asks nginx for readiness through /.cluster/ready, where a 503 counts as a failure (max_fails=1): the
# draining instance is out for fail_timeout (15 s, longer than its 8 s drain), for every worker (the upstream's zone),
# and no client request is involved. It does so only when the instance says it is draining and another is ready.

draining() { # draining PORT: alive, and /health/ready answers 503 "Degraded" (draining), not "Unhealthy" (database)
  [ "$(curl -s --max-time 2 "http://127.0.0.1:$1/health/ready" 2>/dev/null)" = Degraded ]
}

take_out() { # take_out PORT: ask nginx for readiness until the instance on PORT has answered it 503
  local port=$1 headers tried statuses i
  # nginx's round robin turns with the clients' requests too, so under load an attempt reaches a given instance about
  # one time in three, at random: 9 attempts all missed it one time in 40. 60 miss one time in 10^10, in about 1 s.
  for _ in $(seq 1 60); do
    headers=$(curl -s -o /dev/null -D - --max-time 5 "http://127.0.0.1:$lb_port/.cluster/ready" 2>/dev/null | tr -d '\r')
    # X-Upstream: 127.0.0.1:5201, 127.0.0.1:5202 and X-Upstream-Status: 503, 200: each attempt, in order
    IFS=',' read -ra tried <<<"$(sed -n 's/^X-Upstream: //p' <<<"$headers")"
    IFS=',' read -ra statuses <<<"$(sed -n 's/^X-Upstream-Status: //p' <<<"$headers")"
    for i in "${!tried[@]}"; do
      [ "${tried[$i]// /}" = "127.0.0.1:$port" ] && [ "${statuses[$i]// /}" = 503 ] && return 0
    done
  done
  return 1
}

supervise() {
  local deadline wanted i n port ready started=() taken=() stopping=()
  deadline=$(cat "$state/deadline")
  trap 'exit 0' TERM INT
  while :; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      note "$minutes minutes are up: stopping the cluster"
      rm -f "$pids/supervisor"
      exec "$here/cluster.sh" down
    fi
    wanted=$(cat "$state/instances")
    ready=()
    for i in "${!api_ports[@]}"; do
      n=$((i + 1)) port=${api_ports[$i]}
      if ! alive "api$n"; then
        taken[$i]= stopping[$i]=
        if [ "$n" -le "$wanted" ] && [ "$(date +%s)" -ge "${started[$i]:-0}" ]; then
          note "api$n is not running: starting it"
          start_instance "$i"
          started[$i]=$(($(date +%s) + 5))
        fi
      elif [ "$n" -gt "$wanted" ]; then
        # scaled down: it drains like any instance on SIGTERM, and is taken out of nginx below
        if [ -z "${stopping[$i]:-}" ]; then
          note "api$n is not wanted: stopping it"
          kill -TERM "$(pid_of "api$n")" 2>/dev/null || true
          stopping[$i]=$(($(date +%s) + 60))
        elif [ "$(date +%s)" -ge "${stopping[$i]}" ]; then
          note "api$n did not stop in 60 s: killing it"
          kill -KILL "$(pid_of "api$n")" 2>/dev/null || true
        fi
      elif http_ok "http://127.0.0.1:$port/health/ready"; then
        ready+=("$port") taken[$i]=
      fi
    done
    for i in "${!api_ports[@]}"; do
      n=$((i + 1)) port=${api_ports[$i]}
      [ -z "${taken[$i]:-}" ] && [ ${#ready[@]} -gt 0 ] && alive "api$n" || continue
      if draining "$port"; then
        if take_out "$port"; then note "api$n is draining: nginx no longer sends to it"; else note "api$n is draining, and nginx could not be told"; fi
        taken[$i]=1
      fi
    done
    sleep 0.5
  done
}

# --- commands ----------------------------------------------------------------------------------------------------

up() {
  case "${NOTES_AUTH:-off}" in
    on | off) ;;
    *) die "NOTES_AUTH=$NOTES_AUTH: on (bearer tokens of the dev key) or off (open)" ;;
  esac
  if alive supervisor; then
    say "already running, $(auth_mode) (make cluster-status shows how it is; make cluster-down stops it)"
    return 0
  fi
  [ -d "$state" ] && { say "removing what a previous cluster left in $state"; down_quietly; }
  trap up_failed EXIT

  install_packages || die "install the missing packages first (as root: make cluster installs them)"
  bindir=$(find_bindir) || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
  pg_version=$(basename "$(dirname "$bindir")")
  local port
  for port in "$etcd_port" "$etcd_peer_port" "${pg_ports[@]}" "${rest_ports[@]}" "${api_ports[@]}" "$lb_port"; do
    port_free "$port" || die "port $port on 127.0.0.1 is taken; the cluster needs 2379-2380, 5441-5442, 8008-8009, 5200-5202 and 5000"
  done

  mkdir -p "$state"
  write_files
  owner_reaches
  # The schema of the instances, whichever shell starts one later (the supervisor, a restart) or reads their tables
  # (check.py): the one make cluster was started with.
  echo "${Database__Schema:-public}" >"$state/schema"
  # With auth, the instances' bearer settings (the dev key among them), for the owner's eyes only. The file is also
  # how the checks and the bench know to send tokens.
  if [ "${NOTES_AUTH:-off}" = on ]; then
    local auth
    auth=$("$repo/scripts/dev-auth.sh" env) || die "no dev signing key (scripts/dev-auth.sh)"
    (umask 077 && sed 's/^export //' <<<"$auth" >"$state/auth.env")
  fi

  say "publishing the API (Release, ReadyToRun: instances that start fast make restarts cheap)"
  dotnet publish "$repo/Notes.csproj" -c Release --use-current-runtime --self-contained false -o "$state/app" --nologo -v quiet >"$state/publish.log" 2>&1 \
    || { cat "$state/publish.log" >&2; die "the API does not build"; }

  echo $(($(date +%s) + minutes * 60)) >"$state/deadline"
  echo "${#api_ports[@]}" >"$state/instances"

  start_etcd
  start_node 0
  wait_for 90 "pg1 as primary" http_ok "http://127.0.0.1:${rest_ports[0]}/primary"
  wait_for 60 "the notes database on pg1" sql "${pg_ports[0]}" "select 1 from pg_database where datname = 'notes'"
  start_node 1
  wait_for 120 "pg2 as synchronous standby" http_ok "http://127.0.0.1:${rest_ports[1]}/sync"

  start_nginx
  say "starting ${#api_ports[@]} API instances on 127.0.0.1:${api_ports[0]}-${api_ports[-1]}, their tables in schema $(cat "$state/schema"), $(auth_mode)"
  start supervisor "$state/supervisor.log" "$here/cluster.sh" supervise
  wait_for 120 "the API instances" all_ready
  wait_for 30 "nginx" http_ok "http://127.0.0.1:$lb_port/health/ready"
  trap - EXIT
  status
  say "ready: http://localhost:$lb_port (stops by itself at $(date -d "@$(cat "$state/deadline")" +%H:%M); make cluster-down stops it now)"
}

up_failed() { # a start that did not get through stops what it started, and keeps the logs
  [ -d "$pids" ] || return 0
  say "stopping what had started; the logs stay in $state until the next make cluster or make cluster-down"
  stop_all
}

auth_mode() { # how the instances take callers
  if [ -f "$state/auth.env" ]; then echo "with bearer tokens of the dev key (make token USER=alice)"; else echo "open (no sign-in)"; fi
}

token() { # token USER: a token the instances take, when they take tokens
  [ -n "${1:-}" ] || die "token: name the token's user"
  [ -f "$state/auth.env" ] || return 0
  "$repo/scripts/ensure-packages.sh" python3-jwt
  NOTES_SIGNING_KEY=$(sed -n 's/^Authentication__Schemes__Bearer__SigningKeys__0__Value=//p' "$state/auth.env") \
    /usr/bin/python3 "$repo/scripts/dev-token.py" "$1"
}

all_ready() {
  local i n
  for i in "${!api_ports[@]}"; do
    n=$((i + 1))
    [ "$n" -le "$(cat "$state/instances")" ] || continue
    http_ok "http://127.0.0.1:${api_ports[$i]}/health/ready" || return 1
  done
}

sql() { # sql PORT QUERY: one value, as the superuser
  local port=$1 query=$2
  # shellcheck disable=SC1091
  (source "$state/superuser.env" && export PGPASSWORD && PGCONNECT_TIMEOUT=3 psql -X -qAt -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "$query")
}

scale() {
  local wanted=$1
  [[ "$wanted" =~ ^[1-3]$ ]] || die "scale: give a number of instances from 1 to ${#api_ports[@]}"
  alive supervisor || die "the cluster is not running (make cluster)"
  echo "$wanted" >"$state/instances"
  wait_for 120 "$wanted API instances" scaled "$wanted"
  say "$wanted API instance(s) running behind nginx"
}

scaled() { # the wanted instances are ready and the others stopped
  local wanted=$1 i
  all_ready || return 1
  for i in "${!api_ports[@]}"; do
    [ $((i + 1)) -le "$wanted" ] && continue
    alive "api$((i + 1))" && return 1
  done
  return 0
}

memory() { # memory PID...: their proportional set size in MiB (shared pages counted once)
  local pid total=0 kib
  for pid in "$@"; do
    kib=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null) && total=$((total + ${kib:-0}))
  done
  echo "$((total / 1024)) MiB"
}

tree() { # tree PID: the process and its descendants
  local pid=$1 child
  echo "$pid"
  for child in $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do tree "$child"; done
}

status() {
  if [ ! -d "$pids" ]; then say "not running"; return 3; fi
  local i n node role lag json connections health pid format='%-7s %-22s %-15s %-9s %-10s %s\n'
  # shellcheck disable=SC2059
  printf "$format" PART ADDRESS STATE "LAG (MB)" MEMORY CONNECTIONS
  # shellcheck disable=SC2059
  printf "$format" etcd "127.0.0.1:$etcd_port" "$(alive etcd && echo running || echo DOWN)" "" \
    "$(alive etcd && memory "$(pid_of etcd)")" ""
  json=$(curl -fs --max-time 2 "http://127.0.0.1:${rest_ports[0]}/cluster" 2>/dev/null \
    || curl -fs --max-time 2 "http://127.0.0.1:${rest_ports[1]}/cluster" 2>/dev/null || echo '{}')
  for i in "${!nodes[@]}"; do
    node=${nodes[$i]}
    read -r role lag < <(/usr/bin/python3 -c '
import json, sys
members = {m["name"]: m for m in json.loads(sys.argv[1]).get("members", [])}
m = members.get(sys.argv[2])
if not m:
    print("DOWN -")
else:
    role = {"leader": "primary", "sync_standby": "sync standby", "replica": "async standby"}.get(m["role"], m["role"])
    if m.get("state") not in ("running", "streaming"):
        role += " (" + m.get("state", "?") + ")"
    lag = m.get("lag", 0)
    print(role.replace(" ", "_"), "-" if m["role"] == "leader" else (round(lag / 1048576, 1) if isinstance(lag, int) else lag))
' "$json" "$node")
    connections=$(sql "${pg_ports[$i]}" "select count(*) || ' of ' || current_setting('max_connections') || ' (API: ' || count(*) filter (where application_name like 'notes-api%') || ')' from pg_stat_activity where backend_type = 'client backend'" 2>/dev/null || echo "-")
    pid=$(head -1 "$state/$node/data/postmaster.pid" 2>/dev/null || true)
    # shellcheck disable=SC2046,SC2059
    printf "$format" "$node" "127.0.0.1:${pg_ports[$i]}" "${role//_/ }" "$lag" \
      "$([ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && memory $(tree "$pid") $(pid_of "$node"))" "$connections"
  done
  for i in "${!api_ports[@]}"; do
    n=$((i + 1)) health=stopped
    if alive "api$n"; then
      health=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${api_ports[$i]}/health/ready" || true)
      case "$health" in 200) health=ready ;; 503) health="not ready" ;; *) health=starting ;; esac
    fi
    # shellcheck disable=SC2059
    printf "$format" "api$n" "127.0.0.1:${api_ports[$i]}" "$health" "" "$(alive "api$n" && memory "$(pid_of "api$n")")" ""
  done
  # shellcheck disable=SC2046,SC2059
  printf "$format" nginx "http://localhost:$lb_port" "$(alive nginx && echo running || echo DOWN)" "" \
    "$(alive nginx && memory $(tree "$(pid_of nginx)"))" ""
  echo "PostgreSQL's memory includes Patroni's; connections are client backends, the API's pools among them."
  echo "The API's tables are in schema $(cat "$state/schema" 2>/dev/null || echo '?') of database notes; it runs $(auth_mode)."
  alive supervisor || say "the supervisor is not running: instances that exit are not started again"
}

stop_all() {
  stop supervisor 5
  local n
  for n in 3 2 1; do stop "api$n" 40; done
  stop nginx 10
  stop pg2 40
  stop pg1 40
  stop etcd 10
  # PostgreSQL normally goes with Patroni; a postmaster left behind (Patroni killed) is stopped by its pid file
  local node pid
  for node in "${nodes[@]}"; do
    pid=$(head -1 "$state/$node/data/postmaster.pid" 2>/dev/null) || continue
    kill -0 "$pid" 2>/dev/null && { kill -QUIT "$pid" 2>/dev/null || true; sleep 1; }
  done
}

down_quietly() {
  stop_all
  rm -rf "$state"
}

preflight() {
  alive supervisor && die "the cluster runs: its files are in $state"
  [ -d "$state" ] && die "$state is there from an earlier cluster: make cluster-down first"
  bindir=$(find_bindir) || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
  trap 'rm -rf "$state"' EXIT
  mkdir -p "$state"
  write_files
  owner_reaches
  say "the $owner user reaches every folder and file of the servers in $state, from where they start"
}

down() {
  if [ ! -d "$state" ]; then say "not running"; return 0; fi
  say "stopping the cluster"
  down_quietly
  say "stopped; deleted $state"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  scale) scale "${2:-}" ;;
  supervise) supervise ;;
  where) echo "$state" ;;
  running) alive supervisor ;;
  preflight) preflight ;;
  token) token "${2:-}" ;;
  *) echo "usage: $0 up|status|scale N|down|where|running|preflight|token USER" >&2; exit 2 ;;
esac
