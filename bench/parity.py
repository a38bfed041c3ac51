#!/usr/bin/python3
"""Before anything is measured: the baseline must answer as the API does, or the comparison means nothing.

Usage: bench/parity.py API_URL BASELINE_URL NOTES [REFERENCE_URL]
Both serve databases with the same content (NOTES notes, ids 1..NOTES), neither written to yet. The same requests go
to both; status codes, the headers of the contract (Content-Type, ETag, Location, X-Total-Count, Link) and the bodies
must be equal byte for byte. Where a note was written during the check, its timestamps are the only part allowed to
differ; problem details are compared without their traceId. Exits 1 naming every difference.

With REFERENCE_URL (an older build of the API, make bench's reference, on a database seeded through its own
POST /notes/import with the same notes), each request goes to it too and its answers are compared with the API's the
same way, except that timestamps never count (its notes were imported at another time), a link to a later page is
its own link (a cursor of a time order holds a timestamp), and what the contract changed since 99579d9 is left out
(KNOWN). Its differences are listed; when the baseline has none, the exit code is 2 if the reference has some.
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
reference_failures = []
checks = 0
last_reference = None  # the reference's answer to the last request
# What the contract changed since the default reference (99579d9), which the reference's answers are not held to:
KNOWN = ("X-Total-Count only when Prefer asks for a count (it counted every page)",
         "a search without a word (q=!!) matches no note (it matched every note)")
WORDLESS = re.compile(r"[?&]q=(%21)+(&|$)")


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


def differences(what, api, other, name, mode):
    """What differs between the API's answer and another service's (named NAME), as lines of text."""
    found = []
    if api[0] != other[0]:
        return [f"{what}: status {api[0]} from the API, {other[0]} from the {name}"]
    for header in HEADERS if mode != "status" else ("content-type",):
        x, y = api[1].get(header), other[1].get(header)
        if mode == "stamps" and header == "link" and x and y:  # a cursor of a time order holds the note's timestamp
            x, y = (CURSOR.sub("after=?", v) for v in (x, y))
        if x != y:
            found.append(f"{what}: header {header}: {api[1].get(header)!r} from the API, {other[1].get(header)!r} from the {name}")
    a, b = api[2], other[2]
    if mode == "stamps":
        a, b = STAMPS.sub(rb'"\1":"?"', a), STAMPS.sub(rb'"\1":"?"', b)
    if mode == "problem":
        a, b = (json.dumps({k: v for k, v in json.loads(x).items() if k != "traceId"}, sort_keys=True).encode() for x in (a, b))
    if mode != "status" and a != b:
        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        found.append(f"{what}: bodies differ at byte {at} (API {len(a)} bytes, {name} {len(b)}):\n"
                     f"    API:      {a[max(0, at - 60):at + 60]!r}\n    {name + ':':<9} {b[max(0, at - 60):at + 60]!r}")
    return found


def compare(api_base, baseline_base, method, path, body=None, headers=None, mode="exact", reference_base=None,
            reference_path=None):
    """mode: exact (bytes), stamps (bytes but the timestamps), problem (JSON but traceId), status (status and type).
    The reference's answers are compared at least as stamps: none of its timestamps is the API's."""
    global checks, last_reference
    checks += 1
    last_reference = None
    api = call(api_base, method, path, body, headers)
    baseline = call(baseline_base, method, path, body, headers)
    what = f"{method} {path}" + (f" {body!r}" if body is not None else "") + (f" {headers}" if headers else "")
    failures.extend(differences(what, api, baseline, "baseline", mode))
    if reference_base and not WORDLESS.search(path):
        reference = last_reference = call(reference_base, method, reference_path or path, body, headers)
        if "prefer" not in {k.lower() for k in headers or {}} and "x-total-count" not in api[1]:
            reference = (reference[0], {k: v for k, v in reference[1].items() if k != "x-total-count"}, reference[2])
        reference_failures.extend(differences(what, api, reference, "reference", "stamps" if mode == "exact" else mode))
    return api


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    api, baseline, notes = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), int(sys.argv[3])
    reference = sys.argv[4].rstrip("/") if len(sys.argv) == 5 else None

    def same(method, path, body=None, headers=None, mode="exact", reference_path=None):
        return compare(api, baseline, method, path, body, headers, mode, reference, reference_path)

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
            own_link = reference and last_reference and last_reference[1].get("link")
            same("GET", headers["link"].split(">")[0].lstrip("<"),
                 reference_path=own_link.split(">")[0].lstrip("<") if own_link else None)
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
    if reference:
        if reference_failures:
            print(f"parity: the reference answers differently from the API in {len(reference_failures)} of {checks} checks:", file=sys.stderr)
            for failure in reference_failures:
                print(f"  - {failure}", file=sys.stderr)
            sys.exit(2)
        print(f"parity: the reference answers as the API does ({checks} checks, timestamps aside; not compared, as the "
              f"contract changed since: {'; '.join(KNOWN)})")


if __name__ == "__main__":
    main()
