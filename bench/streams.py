#!/usr/bin/python3
"""The changes feed's streams under load (bench/streams.bench.sh): many server-sent event streams on GET /notes/changes
from one asyncio loop over raw sockets, and one JSON line of figures at the end on stdout (progress on stderr).

  live URL --streams 1000 --writes 200 --rate 5
      opens the streams (since=now), waits until each has its headers (200, text/event-stream) and its first heartbeat,
      then POSTs --warmup notes (not measured) and --writes notes one after the other, at most --rate a second, over one keep-alive connection. Each
      stream notes when the event of each note arrives; a delivery's latency is that time less the time the POST's
      answer arrived (the commit is before it: a delivery may come first, and is then negative), and less the time just
      before the POST was sent (an upper bound). Waits up to --drain seconds after the last write for the last events.
  idle URL --streams 10000 --hold 20 --pid PID
      reads the process PID's memory (VmRSS, VmHWM), opens the streams (since=now) and holds them --hold seconds,
      sampling its RSS and CPU, closes them and asks /health/ready whether the process is still well.

Both stop by themselves: every wait has its deadline (--deadline seconds in all). Exit 1 if a stream was refused or
dropped, or (live) a delivery is missing; the figures are printed in any case. Debian's Python alone, no packages.
"""
import argparse
import asyncio
import json
import os
import re
import resource
import sys
import time
from urllib.parse import urlsplit

EVENT = re.compile(rb'data: \{"seq":"[^"]*","id":(\d+)')
CONNECTING_AT_ONCE = 200  # Kestrel's listen backlog is 512: more connecting at once would wait on SYN retries


def say(text):
    print(f"streams: {text}", file=sys.stderr, flush=True)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mib(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, kb, _ = line.split()
                values[key[:-1]] = int(kb) / 1024
    return values


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


class Stream(asyncio.Protocol):
    """One stream of events: its answer's head checked, then only the note ids of its events read, with their arrival."""

    def __init__(self, request, arrivals):
        self.request = request
        self.arrivals = arrivals  # note id -> [arrival, ...] shared by all streams (None: not recorded)
        self.head = b""
        self.tail = b""
        self.status = None
        self.event_stream = False
        self.heartbeats = 0
        self.events = 0
        self.ready = asyncio.get_running_loop().create_future()
        self.closed = False
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data):
        now = time.monotonic()
        if self.status is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.head[:end].split(b"\r\n")
            self.status = int(lines[0].split()[1])
            self.event_stream = any(line.lower().startswith(b"content-type: text/event-stream") for line in lines[1:])
            data = self.head[end + 4:]
            self.head = b""
            if self.status != 200 or not self.event_stream:
                self.settle()
                self.transport.close()
                return
        buffer = self.tail + data
        self.heartbeats += buffer.count(b": heartbeat")
        for match in EVENT.finditer(buffer):
            self.events += 1
            if self.arrivals is not None:
                self.arrivals.setdefault(int(match.group(1)), []).append(now)
        # an event cut by the read waits for the rest; what follows the last blank line is its start
        cut = buffer.rfind(b"\n\n")
        self.tail = buffer[cut + 2:] if cut >= 0 else buffer
        if len(self.tail) > 1 << 16:
            self.tail = b""
        if self.heartbeats or self.events:
            self.settle()

    def settle(self):
        if not self.ready.done():
            self.ready.set_result(None)

    def connection_lost(self, exc):
        self.closed = True
        self.settle()


async def open_streams(host, port, path, count, arrivals, deadline):
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n").encode()
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    streams, failed = [], []
    started = time.monotonic()

    async def one():
        async with gate:
            try:
                _, stream = await asyncio.wait_for(loop.create_connection(lambda: Stream(request, arrivals), host, port),
                                                   max(1, deadline - time.monotonic()))
                await asyncio.wait_for(asyncio.shield(stream.ready), max(1, deadline - time.monotonic()))
                streams.append(stream)
            except (OSError, asyncio.TimeoutError) as error:
                failed.append(type(error).__name__)

    async def progress():
        while True:
            await asyncio.sleep(5)
            say(f"  {len(streams):,} of {count:,} streams open ({len(failed)} failed), {time.monotonic() - started:.0f} s")

    reporter = asyncio.create_task(progress())
    await asyncio.gather(*(one() for _ in range(count)))
    reporter.cancel()
    seconds = time.monotonic() - started
    good = [s for s in streams if s.status == 200 and s.event_stream and not s.closed]
    refused = {}
    for s in streams:
        if s not in good:
            key = str(s.status) if s.status != 200 else ("closed" if s.closed else "not text/event-stream")
            refused[key] = refused.get(key, 0) + 1
    for name in failed:
        refused[name] = refused.get(name, 0) + 1
    say(f"{len(good):,} of {count:,} streams open in {seconds:.1f} s" + (f", refused or failed: {refused}" if refused else ""))
    return good, refused, seconds


class Writer(asyncio.Protocol):
    """POST /notes over one keep-alive connection, one request at a time."""

    def __init__(self):
        self.buffer = b""
        self.answer = None
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        now = time.monotonic()
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.answer is None or self.answer.done():
            return
        head = self.buffer[:end].decode("latin-1").split("\r\n")
        length = next((int(line.split(":", 1)[1]) for line in head if line.lower().startswith("content-length:")), None)
        if length is None or len(self.buffer) < end + 4 + length:
            return  # the API answers POST /notes with a length
        body, self.buffer = self.buffer[end + 4:end + 4 + length], self.buffer[end + 4 + length:]
        self.answer.set_result((now, int(head[0].split()[1]), body))

    def connection_lost(self, exc):
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(ConnectionError("the API closed the writer's connection"))

    async def post(self, host, port, body):
        self.answer = asyncio.get_running_loop().create_future()
        sent = time.monotonic()
        self.transport.write(f"POST /notes HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                             f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        answered, status, answer = await asyncio.wait_for(self.answer, 30)
        return sent, answered, status, answer


async def live(args, host, port):
    arrivals = {}
    deadline = time.monotonic() + args.deadline
    streams, refused, open_seconds = await open_streams(host, port, "/notes/changes?since=now", args.streams, arrivals, deadline)
    loop = asyncio.get_running_loop()
    _, writer = await loop.create_connection(Writer, host, port)
    writes, failed_writes = [], 0
    # a process just started runs unoptimised code until it has seen some traffic: writes first that are not measured
    for n in range(args.warmup):
        await writer.post(host, port, json.dumps({"text": f"Stream bench warm-up {n}"}).encode())
        await asyncio.sleep(1 / args.rate)
    await asyncio.sleep(1)
    cpu_before, wall_before = cpu_seconds(), time.monotonic()
    server_cpu_before = process_cpu_seconds(args.pid) if args.pid else None
    say(f"{args.writes} writes, at most {args.rate} a second, to {len(streams):,} streams (after {args.warmup} not measured)")
    for n in range(args.writes):
        if time.monotonic() > deadline:
            say("deadline reached: the writes stop here")
            break
        slot = wall_before + n / args.rate
        await asyncio.sleep(max(0, slot - time.monotonic()))
        sent, answered, status, answer = await writer.post(host, port, json.dumps({"text": f"Stream bench note {n}"}).encode())
        if not 200 <= status < 300:
            failed_writes += 1
            continue
        writes.append((json.loads(answer)["id"], sent, answered))
        if (n + 1) % 50 == 0:
            got = sum(len(arrivals.get(i, ())) for i, _, _ in writes)
            say(f"  {n + 1} writes, {got:,} of {len(writes) * len(streams):,} deliveries so far")
    expected = len(writes) * len(streams)
    drain_until = min(deadline, time.monotonic() + args.drain)
    while time.monotonic() < drain_until and sum(len(arrivals.get(i, ())) for i, _, _ in writes) < expected:
        await asyncio.sleep(0.1)
    wall = time.monotonic() - wall_before
    cpu = cpu_seconds() - cpu_before
    server_cpu = process_cpu_seconds(args.pid) - server_cpu_before if args.pid else None
    after_answer, after_send = [], []
    for note_id, sent, answered in writes:
        for arrival in arrivals.get(note_id, ()):
            after_answer.append((arrival - answered) * 1000)
            after_send.append((arrival - sent) * 1000)
    after_answer.sort()
    after_send.sort()
    dropped = sum(1 for s in streams if s.closed)
    for s in streams:
        s.transport.close()
    writer.transport.close()
    missing = expected - len(after_answer)
    figures = {"mode": "live", "streams": args.streams, "open": len(streams), "refused": refused, "open_seconds": round(open_seconds, 1),
               "writes": len(writes), "failed_writes": failed_writes, "rate": args.rate, "deliveries": len(after_answer),
               "missing": missing, "dropped": dropped, "seconds": round(wall, 1),
               "client_cpu_percent": round(100 * cpu / wall, 1),
               "server_cpu_percent": None if server_cpu is None else round(100 * server_cpu / wall, 1)}
    for name, values in (("ms", after_answer), ("ms_after_send", after_send)):
        figures[name] = {f"p{q}": None if not values else round(percentile(values, q), 1) for q in (50, 90, 99)}
        figures[name]["max"] = round(values[-1], 1) if values else None
        figures[name]["min"] = round(values[0], 1) if values else None
    return figures, bool(refused or missing or dropped or failed_writes)


async def idle(args, host, port):
    deadline = time.monotonic() + args.deadline
    before = memory_mib(args.pid)
    say(f"the API's memory before: RSS {before['VmRSS']:.0f} MB, peak {before['VmHWM']:.0f} MB")
    streams, refused, open_seconds = await open_streams(host, port, "/notes/changes?since=now", args.streams, None, deadline)
    opened = memory_mib(args.pid)
    cpu_before, server_cpu_before, wall_before = cpu_seconds(), process_cpu_seconds(args.pid), time.monotonic()
    heartbeats_before = sum(s.heartbeats for s in streams)
    samples = []
    until = min(deadline, time.monotonic() + args.hold)
    while time.monotonic() < until:
        await asyncio.sleep(1)
        samples.append(memory_mib(args.pid)["VmRSS"])
        if len(samples) % 5 == 0:
            say(f"  {len(samples)} s held: RSS {samples[-1]:.0f} MB, {sum(1 for s in streams if s.closed)} streams dropped")
    wall = time.monotonic() - wall_before
    held = memory_mib(args.pid)
    cpu, server_cpu = cpu_seconds() - cpu_before, process_cpu_seconds(args.pid) - server_cpu_before
    dropped = sum(1 for s in streams if s.closed)
    heartbeats = sum(s.heartbeats for s in streams) - heartbeats_before
    for s in streams:
        s.transport.close()
    await asyncio.sleep(3)
    status = await health(host, port)
    after = memory_mib(args.pid)
    say(f"closed; /health/ready answers {status}; RSS {after['VmRSS']:.0f} MB")
    figures = {"mode": "idle", "streams": args.streams, "open": len(streams), "refused": refused, "open_seconds": round(open_seconds, 1),
               "held_seconds": round(wall, 1), "dropped": dropped, "heartbeats_while_held": heartbeats,
               "rss_before_mb": round(before["VmRSS"]), "rss_opened_mb": round(opened["VmRSS"]),
               "rss_held_max_mb": round(max(samples + [held["VmRSS"]])), "peak_mb": round(held["VmHWM"]),
               "rss_after_close_mb": round(after["VmRSS"]), "health_after_close": status,
               "client_cpu_percent": round(100 * cpu / wall, 1), "server_cpu_percent": round(100 * server_cpu / wall, 1)}
    return figures, bool(refused or dropped or status != 200)


def summary(f):
    if f["mode"] == "live":
        m, s = f["ms"], f["ms_after_send"]
        return (f"{f['deliveries']:,} deliveries of {f['writes']} writes to {f['open']:,} streams, {f['missing']:,} missing: "
                f"p50 {m['p50']} ms, p90 {m['p90']} ms, p99 {m['p99']} ms, max {m['max']} ms after the POST's answer "
                f"(goal: p99 under 100 ms); p99 {s['p99']} ms after its sending; "
                f"API {f['server_cpu_percent']}% of a core, this client {f['client_cpu_percent']}%")
    return (f"{f['open']:,} of {f['streams']:,} streams open in {f['open_seconds']} s, {f['dropped']} dropped while held: the API's RSS "
            f"{f['rss_before_mb']} MB before, {f['rss_held_max_mb']} MB held, peak {f['peak_mb']} MB (goal: under 512 MB); "
            f"API {f['server_cpu_percent']}% of a core while held; after closing /health/ready {f['health_after_close']}")


async def health(host, port):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
        writer.write(f"GET /health/ready HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        line = await asyncio.wait_for(reader.readline(), 10)
        writer.close()
        return int(line.split()[1])
    except (OSError, asyncio.TimeoutError, IndexError, ValueError):
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("live", "idle"))
    parser.add_argument("url")
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0, help="writes a second at most")
    parser.add_argument("--warmup", type=int, default=20, help="writes before the measured ones")
    parser.add_argument("--drain", type=float, default=10.0, help="seconds to wait for the last deliveries")
    parser.add_argument("--hold", type=float, default=20.0)
    parser.add_argument("--pid", type=int, help="the API's process: its memory (idle) and CPU")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds, in all")
    args = parser.parse_args()
    if args.mode == "idle" and not args.pid:
        parser.error("idle needs --pid")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.streams + 100
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, wanted), hard))
        if min(hard, wanted) < wanted:
            sys.exit(f"streams: {args.streams} streams need {wanted} open files, the hard limit is {hard}")
    url = urlsplit(args.url)
    figures, failed = asyncio.run((live if args.mode == "live" else idle)(args, url.hostname, url.port or 80))
    say(summary(figures))
    print(json.dumps(figures), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
