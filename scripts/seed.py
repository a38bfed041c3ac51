#!/usr/bin/env python3
"""make seed: fill the running API's database with NOTES notes through POST /notes/import, with a progress bar.

Usage: scripts/seed.py HOST NOTES [BATCH]   e.g. scripts/seed.py http://localhost:5000 1000000
Notes are made up from a few words; about one in three is completed. Only the standard library is used.
"""
import json
import random
import sys
import time
import urllib.error
import urllib.request

WORDS = ("buy milk bread eggs call ann sam mum book train flight hotel reply email water plants pay rent fix bike "
         "read chapter write report plan trip clean kitchen walk dog pick up parcel renew passport learn song").split()


def note(rng):
    return {"text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7))).capitalize(),
            "completed": rng.random() < 0.33}


def bar(done, total, started):
    width = 40
    filled = int(width * done / total) if total else width
    elapsed = time.monotonic() - started
    rate = done / elapsed if elapsed > 0 else 0
    sys.stderr.write(f"\rseed: [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} notes  {rate:,.0f}/s  {elapsed:.1f} s")
    sys.stderr.flush()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    host, total = sys.argv[1].rstrip("/"), int(sys.argv[2])
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    rng = random.Random(7)
    started, done, first = time.monotonic(), 0, None
    bar(0, total, started)
    while done < total:
        size = min(batch, total - done)
        body = json.dumps([note(rng) for _ in range(size)]).encode()
        request = urllib.request.Request(f"{host}/notes/import", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                result = json.load(response)
        except urllib.error.HTTPError as error:
            sys.stderr.write(f"\nseed: the API answered {error.code}: {error.read().decode(errors='replace')}\n")
            sys.exit(1)
        except urllib.error.URLError as error:
            sys.stderr.write(f"\nseed: the API at {host} does not answer ({error.reason}); start it with make run\n")
            sys.exit(1)
        first = first if first is not None else result["firstId"]
        done += result["imported"]
        bar(done, total, started)
    sys.stderr.write("\n")
    print(f"seed: imported {done:,} notes in {time.monotonic() - started:.1f} s (ids from {first})")


if __name__ == "__main__":
    main()
