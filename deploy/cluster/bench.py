#!/usr/bin/python3
"""The cluster part of make bench: reads (GET /notes/{id}) and writes (POST /notes) through nginx with 1, 2 and 3 API
instances, under wrk, and where the machine's cores went during each run (CPU time of wrk, nginx, the instances,
PostgreSQL, Patroni with etcd, and everything else on the machine). Writes cluster.md and cluster.svg. Every request
carries the bearer token in NOTES_TOKEN when there is one (a cluster that takes tokens: bench.sh makes it).
Usage: bench.py STATE_DIR OUT_DIR SECONDS CONNECTIONS THREADS
"""
import html
import json
import os
import re
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

STATE, OUT = Path(sys.argv[1]), Path(sys.argv[2])
SECONDS, CONNECTIONS, THREADS = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
HERE = Path(__file__).parent
URL = "http://127.0.0.1:5000"
TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count()
TOKEN = os.environ.get("NOTES_TOKEN", "")
AUTH = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}
WRK_AUTH = [arg for name, value in AUTH.items() for arg in ("-H", f"{name}: {value}")]
GROUPS = ["wrk", "nginx", "API instances", "PostgreSQL", "Patroni + etcd", "everything else"]


def say(text):
    print(f"bench: {text}", flush=True)


def children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def tree(pid):
    pids = [pid]
    for child in children(pid):
        pids += tree(child)
    return pids


def pid_file(path):
    try:
        return int(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def groups():
    """The cluster's processes, by part."""
    found = {
        "nginx": tree(pid_file(STATE / "pids" / "nginx")),
        "API instances": [p for n in (1, 2, 3) if (p := pid_file(STATE / "pids" / f"api{n}"))],
        "PostgreSQL": [p for node in ("pg1", "pg2") if (m := pid_file(STATE / node / "data" / "postmaster.pid")) for p in tree(m)],
        "Patroni + etcd": [p for name in ("pg1", "pg2", "etcd") if (p := pid_file(STATE / "pids" / name))],
    }
    return found


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError):
            pass
    return total / TICKS


def memory_mib(pids):
    """Proportional set size: shared pages (PostgreSQL's shared buffers) counted once across the processes."""
    total = 0
    for pid in pids:
        try:
            total += int(re.search(r"^Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M).group(1))
        except (OSError, AttributeError):
            pass
    return total / 1024


def machine_busy():
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS  # all but idle and iowait


def wrk(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = subprocess.run(["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *WRK_AUTH, *args],
                          check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return text, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def measured(args):
    parts = groups()
    cpu_before = {name: cpu_seconds(pids) for name, pids in parts.items()}
    busy_before, started = machine_busy(), time.monotonic()
    text, wrk_cpu = wrk(args)
    elapsed = time.monotonic() - started
    cpu = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in parts.items()}
    cpu["wrk"] = wrk_cpu
    cpu["everything else"] = max(0.0, machine_busy() - busy_before - sum(cpu.values()))
    to_ms = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {q: re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)$", text, re.M) for q in ("50", "99")}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        **{f"p{q}": float(m.group(1)) * to_ms[m.group(2)] for q, m in latency.items()},
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
        "cpu": {name: cpu.get(name, 0.0) / elapsed for name in GROUPS},  # in cores
        "memory": {name: memory_mib(pids) for name, pids in parts.items()},
        "raw": text,
    }


def scale(n):
    subprocess.run([str(HERE / "cluster.sh"), "scale", str(n)], check=True)


def seed_ids(count=1000):
    ids = []
    for i in range(count):
        request = urllib.request.Request(f"{URL}/notes", data=f'{{"text":"bench seed {i}"}}'.encode(),
                                         headers={"Content-Type": "application/json", **AUTH}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            ids.append(json.load(answer)["id"])
    return ids


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    say("making 1,000 notes for the reads")
    ids = seed_ids()
    id_file = OUT / "cluster-ids.txt"
    id_file.write_text("\n".join(map(str, ids)) + "\n")
    os.environ["NOTES_BENCH_IDS"] = str(id_file)
    runs = []
    for n in (1, 2, 3):
        scale(n)
        # A new instance runs unoptimised code until .NET's tiered compiler has caught up (about half a minute of
        # load): warm it directly, so that the runs compare instances, not compilers.
        port = 5199 + n
        say(f"{n} instance(s): warming up the new instance (api{n}) directly for 20 s")
        for warm_up, seconds in ((["-s", str(HERE / "read-ids.lua"), f"http://127.0.0.1:{port}"], 12),
                                 (["-s", str(HERE.parent.parent / "bench" / "create.lua"), f"http://127.0.0.1:{port}/notes"], 8)):
            subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", *WRK_AUTH, *warm_up], check=True, capture_output=True)
        subprocess.run(["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", "-d3s", *WRK_AUTH, "-s", str(HERE / "read-ids.lua"), URL],
                       check=True, capture_output=True)
        for kind, args in (("reads", ["-s", str(HERE / "read-ids.lua"), URL]),
                           ("writes", ["-s", str(HERE.parent.parent / "bench" / "create.lua"), f"{URL}/notes"])):
            say(f"{n} instance(s): {kind} through nginx for {SECONDS} s, {CONNECTIONS} connections")
            result = measured(args)
            (OUT / f"cluster-{n}-{kind}.wrk.txt").write_text(result.pop("raw"))
            runs.append((n, kind, result))
            split = ", ".join(f"{name} {result['cpu'][name]:.2f}" for name in GROUPS)
            say(f"  {result['rps']:,.0f} requests/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms; cores: {split}")
    report(runs)


def report(runs):
    rows = ["| Instances | Requests | Requests/s | p50 / p99 (ms) | non-2xx | Cores used: " + " / ".join(GROUPS) + " |",
            "| ---: | --- | ---: | ---: | ---: | --- |"]
    for n, kind, r in runs:
        cores = " / ".join(f"{r['cpu'][name]:.2f}" for name in GROUPS)
        rows.append(f"| {n} | {kind} | {r['rps']:,.0f} | {r['p50']:.1f} / {r['p99']:.1f} | {r['bad']} | "
                    f"{cores} (of {CORES}) |")
    last = runs[-1][2]["memory"]
    rows += ["", "Memory (proportional set size) with 3 instances after the last run: "
             + ", ".join(f"{name} {mib:,.0f} MiB" for name, mib in last.items()) + "."]
    (OUT / "cluster.md").write_text("\n".join(rows) + "\n")
    chart(runs)
    print("\n".join(rows))


def chart(runs):
    colors = {"wrk": "#9e9e9e", "nginx": "#009688", "API instances": "#3f51b5", "PostgreSQL": "#ff9800",
              "Patroni + etcd": "#795548", "everything else": "#e0e0e0"}
    width, row, left, top = 940, 26, 150, 70
    height = top + len(runs) * row + 50
    peak = max(r["rps"] for _, _, r in runs)
    bars_w, cpu_x, cpu_w = 330, left + 330 + 110, 300
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           '<text x="10" y="18" font-size="14" font-weight="bold">The cluster through nginx: requests/s, and where the '
           f'{CORES} cores went</text>',
           f'<text x="{left}" y="{top - 12}" font-weight="bold">requests/s (reads blue, writes red)</text>',
           f'<text x="{cpu_x}" y="{top - 12}" font-weight="bold">cores used during the run (of {CORES})</text>']
    for i, name in enumerate(colors):
        svg.append(f'<rect x="{10 + i * 140}" y="28" width="12" height="12" fill="{colors[name]}"/>'
                   f'<text x="{27 + i * 140}" y="39">{html.escape(name)}</text>')
    for i, (n, kind, r) in enumerate(runs):
        y = top + i * row
        svg.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{n} instance{"s" if n > 1 else ""}, {kind}</text>')
        w = r["rps"] / peak * bars_w
        svg.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{"#3f51b5" if kind == "reads" else "#e53935"}"/>'
                   f'<text x="{left + w + 5:.1f}" y="{y + 15}">{r["rps"]:,.0f}</text>')
        x = cpu_x
        for name in colors:
            cw = r["cpu"][name] / CORES * cpu_w
            svg.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{cw:.1f}" height="{row - 8}" fill="{colors[name]}"/>')
            x += cw
        svg.append(f'<text x="{cpu_x + cpu_w + 8}" y="{y + 15}">{sum(r["cpu"].values()):.2f}</text>')
    svg.append(f'<line x1="{cpu_x + cpu_w}" y1="{top - 5}" x2="{cpu_x + cpu_w}" y2="{top + len(runs) * row}" stroke="#000" stroke-dasharray="3"/>')
    svg.append("</svg>")
    (OUT / "cluster.svg").write_text("\n".join(svg) + "\n")


main()
