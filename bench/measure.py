#!/usr/bin/python3
"""Timings make bench takes outside wrk and pgbench.

  bench/measure.py cold-start RUNS URL -- COMMAND...
      starts COMMAND RUNS times (with this environment), each time measuring from the start of the process to the
      first 200 from URL (asked every 5 ms), then stops it (SIGTERM); prints the times in milliseconds, one line.
  bench/measure.py run -- COMMAND...
      runs COMMAND once; prints its wall time in seconds and its peak resident set in kB.
"""
import http.client
import resource
import signal
import subprocess
import sys
import time
import urllib.parse


def first_ok(url, process, deadline):
    parts = urllib.parse.urlsplit(url)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"measure: the process ended with code {process.returncode} before answering {url}")
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        try:
            connection.request("GET", parts.path or "/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.005)
    sys.exit(f"measure: no 200 from {url} within 60 s")


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cold_start(runs, url, command):
    times = []
    for _ in range(runs):
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            first_ok(url, process, started + 60)
            times.append((time.monotonic() - started) * 1000)
        finally:
            stop(process)
    print(" ".join(f"{t:.0f}" for t in times))


def run(command):
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    print(f"{seconds:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")


def main():
    args = sys.argv[1:]
    if "--" not in args:
        sys.exit(__doc__)
    split = args.index("--")
    options, command = args[:split], args[split + 1:]
    if options[:1] == ["cold-start"] and len(options) == 3:
        cold_start(int(options[1]), options[2], command)
    elif options == ["run"]:
        run(command)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
