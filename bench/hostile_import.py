#!/usr/bin/env python3
"""What a hostile import costs the API in memory: starts the API (Release build) on a database of its own, warms it
up, reads its peak RSS (VmHWM), POSTs a 256 MiB body to /notes/import (generated as it is sent, never held), reads
the peak again and prints one JSON line: {"kind", "body_mib", "baseline_mib", "peak_mib", "raised_mib", "status", "seconds"}.

Kinds of body (--kind, repeatable; default: both):
  empty   [{},{},...]: the issue's case, millions of notes that break a rule;
  padded  [{"text":"...","padding":"<60 KiB>"},...]: good notes with a large unknown member, read to the end and stored.

Usage: bench/hostile_import.py [--port 5710] [--mib 256] [--kind empty] [--no-build]
Needs PostgreSQL at NOTES_DB_PORT (default 5432), login notes/notes, and psql.
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLL = os.path.join(ROOT, "bin", "Release", "net10.0", "Notes.dll")
DATABASE = "notes_bench_hostile_import"
CHUNK = 1 << 20


def psql(db_port, statement):
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-p", str(db_port), "-U", "notes", "-d", "postgres", "-c", statement],
                   check=True, env={**os.environ, "PGPASSWORD": "notes"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def peak_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM for the API process")


def body(kind, total):
    """The body in chunks of about 1 MiB, exactly `total` bytes (white space after the array fills it up)."""
    item = b"{}" if kind == "empty" else json.dumps({"text": "hostile", "padding": "x" * 60_000}).encode()
    per_chunk = max(1, CHUNK // (len(item) + 1))
    sent = 1
    yield b"["
    first = True
    while True:
        chunk = bytearray()
        for _ in range(per_chunk):
            piece = item if first else b"," + item
            if sent + len(chunk) + len(piece) + 1 > total:
                break
            chunk += piece
            first = False
        if not chunk:
            break
        sent += len(chunk)
        yield bytes(chunk)
    yield b"]"
    sent += 1
    while sent < total:
        pad = min(CHUNK, total - sent)
        sent += pad
        yield b" " * pad


def wait_ready(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health/ready", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the API at {url} did not get ready in {seconds} s")


def post(port, path, data, length):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(length))
    connection.endheaders()
    try:
        for chunk in data:
            connection.send(chunk)
    except OSError:
        pass  # the API answered (413) and closed before the whole body went: its answer is still there to read
    try:
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException) as error:
        return f"no answer ({type(error).__name__})"
    finally:
        connection.close()


def measure(kind, mib, port, db_port):
    psql(db_port, f"drop database if exists {DATABASE} with (force)")
    psql(db_port, f"create database {DATABASE} owner notes")
    env = {**os.environ, "ConnectionStrings__Notes": f"Host=127.0.0.1;Port={db_port};Database={DATABASE};Username=notes;Password=notes",
           "Logging__LogLevel__Default": "Warning", "DOTNET_NOLOGO": "1", "ASPNETCORE_ENVIRONMENT": "Production"}
    api = subprocess.Popen(["dotnet", DLL, "--urls", f"http://127.0.0.1:{port}"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://127.0.0.1:{port}")
        warm = json.dumps([{"text": f"warm-up {i}"} for i in range(2000)]).encode()
        for _ in range(3):
            post(port, "/notes/import", [warm], len(warm))
        baseline = peak_mib(api.pid)
        total = mib * 1024 * 1024
        started = time.time()
        status = post(port, "/notes/import", body(kind, total), total)
        seconds = time.time() - started
        peak = peak_mib(api.pid)
        return {"kind": kind, "body_mib": mib, "baseline_mib": round(baseline, 1), "peak_mib": round(peak, 1),
                "raised_mib": round(peak - baseline, 1), "status": status, "seconds": round(seconds, 1)}
    finally:
        api.terminate()
        try:
            api.wait(timeout=30)
        except subprocess.TimeoutExpired:
            api.kill()
        psql(db_port, f"drop database if exists {DATABASE} with (force)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5710)
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--kind", action="append", choices=["empty", "padded"])
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    db_port = int(os.environ.get("NOTES_DB_PORT", "5432"))
    if not args.no_build:
        subprocess.run(["dotnet", "build", "Notes.csproj", "-c", "Release", "--nologo", "-v", "quiet"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    for kind in args.kind or ["empty", "padded"]:
        print(json.dumps(measure(kind, args.mib, args.port, db_port)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
