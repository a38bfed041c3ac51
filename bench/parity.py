#!/usr/bin/python3
"""Before anything is measured: the baseline must answer as the API does, or the comparison means nothing.

Usage: bench/parity.py API_URL BASELINE_URL NOTES
Both serve databases with the same content (NOTES notes, ids 1..NOTES), neither written to yet. The same requests go
to both; status codes, the headers of the contract (Content-Type, ETag, Location, X-Total-Count, Link) and the bodies
must be equal byte for byte. Where a note was written during the check, its timestamps are the only part allowed to
differ; problem details are compared without their traceId. Exits 1 naming every difference.
"""
import http.client
import json
import re
import sys
import urllib.parse

HEADERS = ("content-type", "etag", "location", "x-total-count", "link", "retry-after")
STAMPS = re.compile(rb'"(createdAt|updatedAt)": ?"[^"]*"')
CURSOR = re.compile(r"after=[^&>]*")
TRICKY = ("Tricky <&> \"quoted\" \\ back / slash é ü ß 😀 + ` ' \t tab \b\f\n\r \u0001 \u007f \u00ad \u2028 \ufeff "
          "\u4e2d\u6587")

failures = []
checks = 0


def call(base, method, path, body=None, headers=None):
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        data = body.encode() if isinstance(body, str) else body
        connection.request(method, path, body=data, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def compare(api_base, baseline_base, method, path, body=None, headers=None, mode="exact"):
    """mode: exact (bytes), stamps (bytes but the timestamps), problem (JSON but traceId), status (status and type)."""
    global checks
    checks += 1
    api = call(api_base, method, path, body, headers)
    baseline = call(baseline_base, method, path, body, headers)
    what = f"{method} {path}" + (f" {body!r}" if body is not None else "") + (f" {headers}" if headers else "")
    if api[0] != baseline[0]:
        failures.append(f"{what}: status {api[0]} from the API, {baseline[0]} from the baseline")
        return api
    for name in HEADERS if mode != "status" else ("content-type",):
        x, y = api[1].get(name), baseline[1].get(name)
        if mode == "stamps" and name == "link" and x and y:  # a cursor of a time order holds the note's timestamp
            x, y = (CURSOR.sub("after=?", v) for v in (x, y))
        if x != y:
            failures.append(f"{what}: header {name}: {api[1].get(name)!r} from the API, {baseline[1].get(name)!r} from the baseline")
    a, b = api[2], baseline[2]
    if mode == "stamps":
        a, b = STAMPS.sub(rb'"\1":"?"', a), STAMPS.sub(rb'"\1":"?"', b)
    if mode == "problem":
        a, b = (json.dumps({k: v for k, v in json.loads(x).items() if k != "traceId"}, sort_keys=True).encode() for x in (a, b))
    if mode != "status" and a != b:
        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        failures.append(f"{what}: bodies differ at byte {at} (API {len(a)} bytes, baseline {len(b)}):\n"
                        f"    API:      {a[max(0, at - 60):at + 60]!r}\n    baseline: {b[max(0, at - 60):at + 60]!r}")
    return api


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    api, baseline, notes = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), int(sys.argv[3])

    def same(method, path, body=None, headers=None, mode="exact"):
        return compare(api, baseline, method, path, body, headers, mode)

    # Reads, on the content both databases share.
    for note_id in sorted({1, 2, notes // 2, notes}):
        same("GET", f"/notes/{note_id}")
    for tag in ('"1"', 'W/"1"', '"7", "1"', "*", '"2"', "garbage"):
        same("GET", "/notes/1", headers={"If-None-Match": tag})
    same("GET", f"/notes/{notes + 100_000}", mode="problem")
    for query in ("", "?skip=0&take=20", "?skip=10&take=5", f"?skip={notes - 5}&take=20", "?take=1000", "?take=",
                  "?completed=true&take=7", "?completed=false&q=buy&take=20", "?q=buy%20mil", "?q=MILK", "?q=zzzz",
                  "?q=%21%21", "?sort=-id&take=3", "?sort=createdAt&take=3", "?sort=-createdAt&take=4",
                  "?sort=updatedAt&take=3", "?sort=-updatedAt&take=3&completed=true&q=pay", "?after=5&take=3",
                  "?sort=-id&after=10&take=3", "?skip=2&after=5&take=3", f"?after={notes - 1}",
                  "?completed=true&q=call&take=5&after=100"):
        status, headers, _ = same("GET", f"/notes{query}")
        if status == 200 and "link" in headers:  # and the page after it, as a client follows the link
            same("GET", headers["link"].split(">")[0].lstrip("<"))
    for query in ("?skip=-1", "?take=0", "?take=1001", "?sort=text", "?sort=createdAt&after=12", "?skip=abc", "?completed=maybe"):
        same("GET", f"/notes{query}", mode="status")
    for query in ("", "?completed=true&q=buy", "?sort=-updatedAt", "?q=zzzz"):
        same("GET", f"/notes/all{query}")

    # Writes: the same requests in the same order, so both assign the same ids and revisions.
    for body, headers in (('{"text":"Test","completed":"false"}', {"Content-Type": "application/x-www-form-urlencoded"}),
                          (json.dumps({"text": TRICKY, "completed": True}), {"Content-Type": "application/json"}),
                          ('{"TEXT":"Upper case names","Completed":"TRUE","extra":[1,{"a":null}]}', {}),
                          ('{"text":"Escaped \\u00e9\\ud83d\\ude00\\u0007"}', {})):
        status, headers_, _ = same("POST", "/notes", body, headers, mode="stamps")
        if status == 200:
            same("GET", headers_["location"], mode="stamps")
            same("GET", "/notes/all?q=" + urllib.parse.quote(json.loads(body).get("text", "x")[:4]), mode="stamps")
    for body in ('{"text":""}', '{"text":"   "}', json.dumps({"text": "x" * 101}), '{"completed":true}', "not json",
                 '{"text":"a","completed":"maybe"}', "", "[1]"):
        same("POST", "/notes", body, mode="status")

    same("PUT", "/notes/3", '{"text":"Replaced","completed":true}', {"If-Match": '"9"'}, mode="problem")
    same("PUT", "/notes/3", '{"text":"Replaced","completed":true}', {"If-Match": '"9", "1"'}, mode="stamps")
    same("PUT", "/notes/3", '{"text":"Replaced again","completed":"false"}', mode="stamps")
    same("PUT", "/notes/3", json.dumps({"text": TRICKY, "completed": True}), {"If-Match": "*"}, mode="stamps")
    same("PUT", f"/notes/{notes + 100_000}", '{"text":"Nobody","completed":true}', mode="problem")
    for body in ('{"text":"No flag"}', '{"text":"","completed":true}', "nope"):
        same("PUT", "/notes/3", body, mode="status")
    same("GET", "/notes/3", mode="stamps")

    merge = {"Content-Type": "application/merge-patch+json"}
    same("PATCH", "/notes/4", '{"completed":true}', merge, mode="stamps")
    same("PATCH", "/notes/4", '{"text":"Patched"}', {"If-Match": '"2"'}, mode="stamps")
    same("PATCH", "/notes/4", '{"text":"Stale"}', {"If-Match": '"2"'}, mode="problem")
    same("PATCH", "/notes/4", "{}", mode="stamps")
    same("PATCH", "/notes/4", "{}", {"If-Match": '"1"'}, mode="problem")
    same("PATCH", f"/notes/{notes + 100_000}", '{"completed":true}', mode="problem")
    for body in ('{"text":null}', '{"completed":null}', '{"text":""}', "null", "[]"):
        same("PATCH", "/notes/4", body, merge, mode="status")
    same("GET", "/notes/4", mode="stamps")
    same("GET", "/notes?sort=-updatedAt&take=5", mode="stamps")

    if failures:
        print(f"parity: the baseline does not answer as the API does ({len(failures)} of {checks} checks):", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        sys.exit(1)
    print(f"parity: the baseline answers as the API does ({checks} checks: status codes, headers, bodies)")


if __name__ == "__main__":
    main()
