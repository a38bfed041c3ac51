"""The load of `make soak`: the users of locustfile.py, unchanged, plus a record of every answer by second and
status class, written when the run ends to the CSV named by SOAK_REQUESTS_CSV (second, total, 2xx, 3xx, 4xx, 5xx,
errors). An error is a request that got no HTTP answer at all (connection refused or reset, timeout)."""
import csv
import os
import time
from collections import defaultdict

from locust import events

from locustfile import NoteTaker, SeedUser, make_sure_notes_1_to_10_exist  # noqa: F401 (locust finds the users here)

COLUMNS = ["total", "2xx", "3xx", "4xx", "5xx", "errors"]
_by_second = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))


@events.request.add_listener
def count_answer(response=None, exception=None, **_):
    status = getattr(response, "status_code", 0) or 0
    bucket = _by_second[int(time.time())]
    bucket["total"] += 1
    bucket["errors" if status == 0 else f"{status // 100}xx"] += 1


@events.quitting.add_listener
def write_record(**_):
    path = os.environ.get("SOAK_REQUESTS_CSV")
    if not path:
        return
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["second", *COLUMNS])
        for second in sorted(_by_second):
            writer.writerow([second, *(_by_second[second][column] for column in COLUMNS)])
