#!/usr/bin/python3
"""make cluster-check: the cluster's proofs, against the running cluster (deploy/cluster/cluster.sh up).

1. 1,200 concurrent creates through nginx: every one acknowledged, ids unique across the instances, none lost, and
   each readable at once through every instance (their queries read from the synchronous standby).
2. SIGTERM to one API instance under write load: no client sees an error; the instance drains, nginx moves on.
3. SIGKILL to the PostgreSQL primary's postmaster under write and read load, with a follower of the changes feed:
   the follower ends with exactly the notes the database changed meanwhile; writes come back within 45 s, answered
   503 in between (never 500, never a request left hanging), every acknowledged write is still there, and reads
   keep working throughout.

With a cluster that takes bearer tokens (make cluster AUTH=on), every request carries the token in NOTES_TOKEN
(check.sh makes one), and a request without it must get 401. Each proof prints its figures; results.md and
failover.svg go to the output folder. Exit code 1 when a proof fails.
Usage: check.py STATE_DIR OUT_DIR
"""
import asyncio
import base64
import collections
import html
import json
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).parent))
from httpclient import Connection, HttpError  # noqa: E402
from httpclient import once as once_bare  # noqa: E402

STATE, OUT = Path(sys.argv[1]), Path(sys.argv[2])
SCHEMA = (STATE / "schema").read_text().strip()  # the instances', which cluster.sh up wrote down
LB = ("127.0.0.1", 5000)
INSTANCES = {"api1": 5200, "api2": 5201, "api3": 5202}
NODES = {"pg1": (5441, 8008), "pg2": (5442, 8009)}
HUNG = 10.0            # a request without an answer after this many seconds counts as hung
OUTAGE_LIMIT = 45.0    # writes must be back within this many seconds of the primary's death
DRAIN = 8.0            # the instances' Shutdown:DrainSeconds (cluster.sh)
TOKEN = os.environ.get("NOTES_TOKEN", "")
AUTH = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}
# Whose notes the SQL counts read, as the API sets it per statement: the token's subject, or open mode's owner.
OWNER = json.loads(base64.urlsafe_b64decode(TOKEN.split(".")[1] + "==="))["sub"] if TOKEN else "*DEFAULT*"

failures = []
report = []
proof = ""  # the proof whose figures are being printed


def say(text):
    print(f"check: {text}", flush=True)


def figure(name, value, ok=True):
    mark = "" if ok else "   <-- FAILED"
    print(f"check:   {name:<58} {value}{mark}", flush=True)
    report.append((proof, name, value, ok))
    if not ok:
        failures.append(name)


def once(host, port, method, path, body=None, timeout=10.0):
    """One request on a connection of its own, with the token when there is one."""
    return once_bare(host, port, method, path, body, timeout, AUTH)


# --- the cluster's parts -----------------------------------------------------------------------------------------

def patroni_cluster():
    for _, rest in NODES.values():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{rest}/cluster", timeout=2) as answer:
                return {m["name"]: m for m in json.load(answer)["members"]}
        except OSError:
            continue
    return {}


def roles():
    members = patroni_cluster()
    primary = next((n for n, m in members.items() if m["role"] == "leader" and m["state"] == "running"), None)
    sync = next((n for n, m in members.items() if m["role"] == "sync_standby" and m["state"] in ("running", "streaming")), None)
    return primary, sync


def sql(query, args=(), node=None):
    """One query as the notes user: on NODE, or on the primary (libpq's multi-host with read-write)."""
    if node:
        target = dict(host="127.0.0.1", port=NODES[node][0])
    else:
        target = dict(host="127.0.0.1,127.0.0.1", port=",".join(str(p) for p, _ in NODES.values()),
                      target_session_attrs="read-write")
    # Just after a failover the old primary may accept a connection and close it while Patroni restarts it, which
    # libpq does not take as a reason to try the next host: the check's own counting tries again, for up to 20 s.
    for attempt in range(40):
        try:
            with psycopg2.connect(dbname="notes", user="notes", password="notes", connect_timeout=5, **target) as connection:
                with connection.cursor() as cursor:
                    cursor.execute("select set_config('notes.owner', %s, false)", (OWNER,))
                    cursor.execute(query, args)
                    return cursor.fetchall()
        except psycopg2.OperationalError:
            if attempt == 39:
                raise
            time.sleep(0.5)


def count_notes(ids, node=None):
    return sql(f"select count(*) from {SCHEMA}.mt_doc_note where id = any(%s)", (list(ids),), node)[0][0]


def transactions(node):
    return sql("select xact_commit + xact_rollback from pg_stat_database where datname = 'notes'", node=node)[0][0]


def pid_of(name):
    return int((STATE / "pids" / name).read_text())


def postmaster_pid(node):
    return int((STATE / node / "data" / "postmaster.pid").read_text().splitlines()[0])


def access_log(since, until, method="POST"):
    """nginx's access log lines between two wall-clock times: (time, upstream addresses, upstream statuses)."""
    time.sleep(1.5)  # the log is flushed every second
    for line in (STATE / "nginx" / "access.log").read_text().splitlines():
        fields = line.split("|")  # msec|method|status|upstream_addr|upstream_status|request_time
        if len(fields) == 6 and fields[1] == method and since <= float(fields[0]) <= until:
            yield float(fields[0]), [a.strip() for a in fields[3].split(",")], [s.strip() for s in fields[4].split(",")]


def last_request_to(port, since, until):
    """When nginx last had an answer from the instance on PORT (the log's time is when the request ended)."""
    return max((at for at, addresses, _ in access_log(since, until) if addresses[-1] == f"127.0.0.1:{port}"), default=None)


def upstream_counts(since, until, method="POST"):
    """Requests per instance (the one that answered, after any retries) from nginx's access log."""
    counts = collections.Counter(addresses[-1] for _, addresses, _ in access_log(since, until, method))
    return {name: counts.get(f"127.0.0.1:{port}", 0) for name, port in INSTANCES.items()}


async def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await asyncio.to_thread(condition):
            return time.monotonic()
        await asyncio.sleep(0.25)
    raise RuntimeError(f"{what}: not after {seconds} s")


def all_ready():
    for port in INSTANCES.values():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as answer:
                if answer.status != 200:
                    return False
        except OSError:
            return False
    return True


def balanced():
    """Every instance ready and in nginx's rotation (not marked failed): nginx's readiness probe reaches each."""
    if not all_ready():
        return False
    seen = set()
    for _ in range(12):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{LB[1]}/.cluster/ready", timeout=2) as answer:
                seen.add(answer.headers.get("X-Upstream", ""))
        except OSError:
            return False
    return len(seen) == len(INSTANCES)


# --- load --------------------------------------------------------------------------------------------------------

class Load:
    """Writers (POST /notes) and readers (GET /notes/{id}) through nginx, each on its own keep-alive connection.
    Every request is recorded as (start, end, status or None, error, id)."""

    def __init__(self, tag, writers, readers=0, read_ids=()):
        self.tag, self.writers, self.readers, self.read_ids = tag, writers, readers, list(read_ids)
        self.writes, self.reads = [], []
        self._stop = asyncio.Event()
        self._tasks = []

    def start(self):
        self._tasks = [asyncio.create_task(self._write(k)) for k in range(self.writers)]
        self._tasks += [asyncio.create_task(self._read(k)) for k in range(self.readers)]

    async def stop(self):
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _write(self, k):
        connection, n = Connection(*LB, AUTH), 0
        while not self._stop.is_set():
            n += 1
            self.writes.append(await self._request(connection, "POST", "/notes", {"text": f"{self.tag} w{k} #{n}"}))
        connection.close()

    async def _read(self, k):
        connection, n = Connection(*LB, AUTH), 0
        while not self._stop.is_set():
            n += 1
            note_id = self.read_ids[(k * 7919 + n) % len(self.read_ids)]
            self.reads.append(await self._request(connection, "GET", f"/notes/{note_id}"))
        connection.close()

    @staticmethod
    async def _request(connection, method, path, body=None):
        started = time.time()
        try:
            answer = await connection.request(method, path, body, timeout=HUNG)
        except HttpError as error:
            ended = time.time()
            await asyncio.sleep(0.1)
            return (started, ended, None, str(error), None)
        ended = time.time()
        if answer.status != 200:
            await asyncio.sleep(0.1)  # a polite client: no tight loop on a 503
            return (started, ended, answer.status, None, None)
        return (started, ended, 200, None, answer.json()["id"] if method == "POST" else None)


class Follower:
    """A device following GET /notes/changes through nginx: long polls from a position, applies each change, and
    rides out a failover by asking again from the position it has."""

    def __init__(self, since):
        self.since, self.notes, self.errors = since, {}, 0
        self._stop = asyncio.Event()
        self._task = None

    def start(self):
        self._task = asyncio.create_task(self._follow())

    @property
    def position(self):
        return 0 if self.since == "0" else int(self.since.split(".")[0], 36)

    async def _follow(self):
        connection = Connection(*LB, AUTH)
        while not self._stop.is_set():
            connection = await self._read(connection, "&feed=longpoll&timeout=1000")
        connection.close()

    async def _read(self, connection, wait):
        try:
            answer = await connection.request("GET", f"/notes/changes?since={self.since}&limit=1000{wait}", timeout=HUNG)
        except HttpError:
            self.errors += 1
            connection.close()
            await asyncio.sleep(0.2)
            return Connection(*LB, AUTH)
        if answer.status != 200:
            self.errors += 1
            await asyncio.sleep(0.2)
            return connection
        page = answer.json()
        for change in page["changes"]:
            if change["deleted"]:
                self.notes.pop(change["id"], None)
            else:
                self.notes[change["id"]] = change["note"]["text"]
        self.since = page["lastSeq"]
        return connection

    async def catch_up(self, written, limit=60.0):
        """Stops following, then reads until its position is past every transaction below WRITTEN."""
        self._stop.set()
        await self._task
        connection, deadline = Connection(*LB, AUTH), time.monotonic() + limit
        while self.position < written and time.monotonic() < deadline:
            connection = await self._read(connection, "&feed=longpoll&timeout=1000")
        connection.close()
        return self.position >= written


def acknowledged(records):
    return [r[4] for r in records if r[2] == 200 and r[4] is not None]


def rate(records, since, until):
    return sum(1 for r in records if r[2] == 200 and since <= r[1] < until) / max(until - since, 1e-9)


def outcomes(records):
    counts = collections.Counter(str(r[2]) if r[2] is not None else f"no answer ({r[3]})" for r in records)
    return ", ".join(f"{answer}: {n:,}" for answer, n in counts.most_common())


# --- the proofs --------------------------------------------------------------------------------------------------

async def concurrent_creates(tag, count=1200):
    say(f"[1/3] {count:,} concurrent creates through nginx, each read back at once through every instance")
    connections = [Connection(*LB, AUTH) for _ in range(count)]
    await asyncio.gather(*(c.connect() for c in connections))
    go = asyncio.Event()
    standby_before = {n: transactions(n) for n in NODES}

    async def create(i, connection):
        await go.wait()
        try:
            answer = await connection.request("POST", "/notes", {"text": f"{tag} create #{i}"}, timeout=30)
        except HttpError as error:
            return ("no answer", str(error), None, [])
        finally:
            connection.close()
        if answer.status != 200:
            return ("status", answer.status, None, [])
        note = answer.json()
        reads = await asyncio.gather(*(once("127.0.0.1", port, "GET", f"/notes/{note['id']}", timeout=30)
                                       for port in INSTANCES.values()), return_exceptions=True)
        same = [isinstance(r, Exception) is False and r.status == 200 and r.json() == note for r in reads]
        return ("ok", note["id"], answer.ended - answer.started, same)

    tasks = [asyncio.create_task(create(i, c)) for i, c in enumerate(connections)]
    await asyncio.sleep(0.2)
    wall, started = time.time(), time.monotonic()
    go.set()
    results = await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    ids = [r[1] for r in results if r[0] == "ok"]
    reads_ok = sum(sum(r[3]) for r in results)
    per_instance = upstream_counts(wall - 1, time.time())
    standby_after = {n: transactions(n) for n in NODES}
    primary, sync = roles()
    stored = count_notes(ids)
    on_standby = count_notes(ids, node=sync) if sync else 0

    figure("creates acknowledged (200)", f"{len(ids):,} of {count:,}", len(ids) == count)
    figure("distinct ids among them", f"{len(set(ids)):,}", len(set(ids)) == len(ids))
    figure("creates per instance (nginx)", ", ".join(f"{k} {v}" for k, v in per_instance.items()),
           all(v > 0 for v in per_instance.values()))
    figure("time for all of them; slowest acknowledgement", f"{elapsed:.1f} s; {max((r[2] for r in results if r[2]), default=0):.1f} s")
    figure("read back at once through each instance, same note", f"{reads_ok:,} of {3 * count:,}", reads_ok == 3 * count)
    figure(f"stored on the primary ({primary}) / on the standby ({sync})", f"{stored:,} / {on_standby:,}",
           stored == len(ids) == on_standby)
    figure("transactions on each node meanwhile (reads go to the standby)",
           ", ".join(f"{n} {standby_after[n] - standby_before[n]:,}" for n in NODES))
    failed = [r for r in results if r[0] != "ok"]
    if failed:
        figure("failed creates", str(collections.Counter((r[0], r[1]) for r in failed).most_common(5)), False)


async def instance_sigterm(tag, victim="api2", before=5.0, after=20.0):
    say(f"[2/3] SIGTERM to {victim} under write load through nginx")
    await wait_until(balanced, 60, "three instances in nginx's rotation")
    load = Load(tag, writers=16)
    load.start()
    await asyncio.sleep(before)
    pid = pid_of(victim)
    killed = time.time()
    os.kill(pid, signal.SIGTERM)
    gone = None
    while time.time() < killed + after:
        if gone is None:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                gone = time.time()
        await asyncio.sleep(0.1)
    await load.stop()
    ended = time.time()
    ids = acknowledged(load.writes)
    bad = [r for r in load.writes if r[2] != 200]
    found = count_notes(ids)

    figure("writes (POST) during the run", f"{len(load.writes):,}")
    figure("client errors (any answer but 200, or none)", f"{len(bad)}", not bad)
    if bad:
        figure("what they were", outcomes(bad), False)
    figure(f"{victim} exited after SIGTERM (drain, then in-flight requests)",
           f"{gone - killed:.1f} s" if gone else "still running", gone is not None)
    if gone:
        last = last_request_to(INSTANCES[victim], killed, gone)
        figure("writes per instance before SIGTERM",
               ", ".join(f"{k} {v}" for k, v in upstream_counts(killed - before, killed).items()))
        figure("writes per instance while it drained",
               ", ".join(f"{k} {v}" for k, v in upstream_counts(killed, gone).items()))
        figure(f"nginx's last write to {victim} (its listener closes after the {DRAIN:g} s drain)",
               f"{last - killed:+.1f} s" if last else "none after SIGTERM", last is None or last - killed < DRAIN)
    figure("throughput before / after (writes/s)",
           f"{rate(load.writes, killed - before, killed):,.0f} / {rate(load.writes, killed + 1, ended):,.0f}")
    figure("acknowledged writes found in the database", f"{found:,} of {len(ids):,} (lost: {len(ids) - found})",
           found == len(ids))
    await wait_until(balanced, 60, f"{victim} back in nginx's rotation")
    figure(f"{victim} started again by the supervisor, back behind nginx after", f"{time.time() - killed:.0f} s")


async def primary_sigkill(tag, before=5.0, settle=10.0, limit=60.0):
    primary, sync = roles()
    say(f"[3/3] SIGKILL to the primary's postmaster ({primary}) under write and read load through nginx")
    if not (primary and sync):
        figure("a primary and a synchronous standby to start with", f"{primary} / {sync}", False)
        return
    follower = Follower((await once(*LB, "GET", "/notes/changes?since=now")).json()["lastSeq"])
    start = follower.position
    follower.start()
    seeds = []
    for i in range(50):
        answer = await once(*LB, "POST", "/notes", {"text": f"{tag} seed #{i}"})
        seeds.append(answer.json()["id"])
    load = Load(tag, writers=16, readers=8, read_ids=seeds)
    load.start()
    await asyncio.sleep(before)
    killed = time.time()
    os.kill(postmaster_pid(primary), signal.SIGKILL)
    back = None
    while time.time() < killed + limit:
        await asyncio.sleep(0.25)
        failed = [r for r in load.writes if r[0] >= killed and r[2] != 200]
        last_failure = max((r[0] for r in failed), default=killed)
        later = [r for r in load.writes if r[0] > last_failure and r[2] == 200]
        if failed and len(later) >= 50:
            back = min(r[1] for r in later)
            break
    if back:
        await asyncio.sleep(settle)
    await load.stop()
    ended = time.time()

    writes_after_kill = [r for r in load.writes if r[1] >= killed]
    failed = [r for r in writes_after_kill if r[2] != 200]
    wrong = [r for r in failed if r[2] != 503]
    slowest = max(r[1] - r[0] for r in load.writes + load.reads)
    bad_reads = [r for r in load.reads if r[2] != 200]
    ids = acknowledged(load.writes)
    new_primary, _ = roles()
    found = count_notes(ids + seeds)
    outage = (back - killed) if back else None

    figure("writes back after (first acknowledged write after the last failed one)",
           f"{outage:.1f} s" if outage else f"not within {limit:.0f} s", outage is not None and outage <= OUTAGE_LIMIT)
    if failed:
        figure("outage: writes failing (first to last failed write)",
               f"{min(r[0] for r in failed) - killed:+.1f} s to {max(r[1] for r in failed) - killed:+.1f} s")
    figure("failed writes meanwhile, by answer", outcomes(failed) if failed else "none")
    figure("answers other than 200 and 503 (500, 502, 504, none)", f"{len(wrong)}", not wrong)
    figure("slowest request (hung: none above 10 s)", f"{slowest:.1f} s", slowest < HUNG)
    figure("reads (GET) during the run, failed", f"{len(load.reads):,}, {len(bad_reads)} failed", not bad_reads)
    if bad_reads:
        figure("what the failed reads got", outcomes(bad_reads), False)
    figure("acknowledged writes (and seeds) found afterwards", f"{found:,} of {len(ids) + len(seeds):,}",
           found == len(ids) + len(seeds))
    figure("requests lost (acknowledged, then missing)", f"{len(ids) + len(seeds) - found}", found == len(ids) + len(seeds))
    figure("primary before / after", f"{primary} / {new_primary}")
    if back:
        figure("throughput before / after (writes/s)",
               f"{rate(load.writes, killed - before, killed):,.0f} / {rate(load.writes, back, ended):,.0f}")
        figure("reads/s before / during the outage / after",
               f"{rate(load.reads, killed - before, killed):,.0f} / {rate(load.reads, killed, back):,.0f} / "
               f"{rate(load.reads, back, ended):,.0f}")
    # The follower, through the failover: what it holds is exactly what the database has changed since it started.
    written = int(sql("select pg_snapshot_xmax(pg_current_snapshot())::text")[0][0])
    caught_up = await follower.catch_up(written)
    stored = dict(sql(f"select n.id, n.data ->> 'text' from {SCHEMA}.mt_doc_note n join {SCHEMA}.note_changes c "
                      "on c.owner = n.tenant_id and c.id = n.id where c.tx >= %s::text::xid8", (str(start),)))
    figure("a follower of GET /notes/changes caught up after the failover", "yes" if caught_up else "no", caught_up)
    figure("notes the follower holds / changed in the database meanwhile", f"{len(follower.notes):,} / {len(stored):,}",
           follower.notes == stored)
    if follower.notes != stored:
        figure("notes the follower misses / holds wrongly",
               f"{len(stored.keys() - follower.notes.keys())} / "
               f"{sum(1 for k, v in follower.notes.items() if stored.get(k) != v)}", False)
    figure("the follower's requests that failed and were asked again", f"{follower.errors}")
    chart(load, killed, back, primary, new_primary)
    try:
        await wait_until(lambda: all(roles()), 120, f"{primary} back as the synchronous standby")
        figure(f"{primary} back as the synchronous standby after", f"{time.time() - killed:.0f} s")
    except RuntimeError as error:
        figure("old primary back as synchronous standby", str(error), False)


def chart(load, killed, back, primary, new_primary, step=0.25):
    """The failover as a timeline: acknowledged writes, failed writes and reads per second, and the kill."""
    start = killed - 5
    end = max(r[1] for r in load.writes + load.reads)
    buckets = int((end - start) / step) + 1
    series = {"writes acknowledged": [0] * buckets, "writes answered 503": [0] * buckets, "reads": [0] * buckets}
    for r in load.writes:
        if r[1] >= start:
            series["writes acknowledged" if r[2] == 200 else "writes answered 503"][int((r[1] - start) / step)] += 1 / step
    for r in load.reads:
        if r[1] >= start and r[2] == 200:
            series["reads"][int((r[1] - start) / step)] += 1 / step
    width, height, left, top, bottom = 860, 320, 60, 50, 40
    peak = max(max(v) for v in series.values()) or 1
    x = lambda t: left + (t - start) / (end - start) * (width - left - 20)  # noqa: E731
    y = lambda v: height - bottom - v / peak * (height - top - bottom)  # noqa: E731
    colors = {"writes acknowledged": "#3f51b5", "writes answered 503": "#e53935", "reads": "#43a047"}
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<text x="10" y="18" font-size="14" font-weight="bold">The primary ({html.escape(primary)}) killed under load: '
           f'requests per second through nginx</text>']
    for i, (name, color) in enumerate(colors.items()):
        svg.append(f'<rect x="{10 + i * 190}" y="28" width="12" height="12" fill="{color}"/>'
                   f'<text x="{27 + i * 190}" y="39">{name}</text>')
    svg.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - 20}" y2="{height - bottom}" stroke="#999"/>')
    for tick in range(0, int(end - start) + 1, 5):
        svg.append(f'<text x="{x(start + tick):.0f}" y="{height - bottom + 15}" text-anchor="middle">{tick - 5:+d} s</text>')
    for frac in (0.5, 1.0):
        svg.append(f'<text x="{left - 5}" y="{y(peak * frac) + 4:.0f}" text-anchor="end">{peak * frac:,.0f}</text>')
    for name, values in series.items():
        points = " ".join(f"{x(start + (i + 0.5) * step):.1f},{y(v):.1f}" for i, v in enumerate(values))
        svg.append(f'<polyline fill="none" stroke="{colors[name]}" stroke-width="1.5" points="{points}"/>')
    svg.append(f'<line x1="{x(killed):.1f}" y1="{top}" x2="{x(killed):.1f}" y2="{height - bottom}" stroke="#000" stroke-dasharray="4"/>'
               f'<text x="{x(killed) + 4:.1f}" y="{top + 12}">SIGKILL {html.escape(primary)}</text>')
    if back:
        svg.append(f'<line x1="{x(back):.1f}" y1="{top}" x2="{x(back):.1f}" y2="{height - bottom}" stroke="#000" stroke-dasharray="2"/>'
                   f'<text x="{x(back) + 4:.1f}" y="{top + 26}">writes back on {html.escape(new_primary or "?")} '
                   f'(+{back - killed:.1f} s)</text>')
    svg.append("</svg>")
    (OUT / "failover.svg").write_text("\n".join(svg) + "\n")


async def main():
    OUT.mkdir(parents=True, exist_ok=True)
    tag = f"check-{int(time.time())}"
    global proof
    started = time.monotonic()
    say("waiting for a primary, its synchronous standby and three instances behind nginx")
    await wait_until(lambda: all(roles()) and balanced(), 120, "the cluster")
    if TOKEN:
        say(f"the cluster takes bearer tokens: every request carries one for {OWNER}")
        proof = "bearer tokens"
        statuses = [(await once_bare(host, port, "GET", "/notes")).status
                    for host, port in [LB, *(("127.0.0.1", p) for p in INSTANCES.values())]]
        figure("GET /notes without a token through nginx, then each instance", ", ".join(map(str, statuses)),
               all(status == 401 for status in statuses))
    else:
        say("the cluster runs open: requests carry no token")
    proofs = {"1,200 concurrent creates": concurrent_creates, "SIGTERM to an instance": instance_sigterm,
              "SIGKILL to the primary": primary_sigkill}
    for proof, run in proofs.items():
        try:
            await run(tag)
        except Exception as error:  # a proof that cannot finish has failed; say why and go on to the next
            figure("could not finish", f"{type(error).__name__}: {error}", False)
    rows = ["| Proof | Figure | Value | |", "| --- | --- | --- | --- |"]
    shown = ""
    for name, figure_name, value, ok in report:
        rows.append(f"| {name if name != shown else ''} | {figure_name} | {value} | {'ok' if ok else '**failed**'} |")
        shown = name
    (OUT / "results.md").write_text("\n".join(rows) + "\n")
    say(f"done in {time.monotonic() - started:.0f} s; results in {OUT}/results.md, chart in {OUT}/failover.svg")
    if failures:
        say(f"FAILED: {'; '.join(failures)}")
        sys.exit(1)
    say("all proofs passed")


asyncio.run(main())
