#!/usr/bin/python3
"""Checks adminer as a user would: stores notes through the API at API_URL, starts adminer, logs in to it with
the read-only inspection login notes_inspector (the login form, its session cookie) and fails unless its page of
the Marten table mt_doc_note shows every note stored. Run by scripts/adminer-check.sh, which serves the API on
database DB_NAME."""
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

API_URL, DB_SERVER, DB_NAME = os.environ["API_URL"], os.environ["DB_SERVER"], os.environ["DB_NAME"]
SCHEMA = os.environ.get("Database__Schema") or "public"  # the API's, which adminer-check.sh's API inherits
# scripts/notes-inspector.sql: reads every owner's rows, which the API's own login, under row-level security, does not
LOGIN, PASSWORD = "notes_inspector", "notes_inspector"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def store_notes():
    texts = [f"adminer check {uuid.uuid4().hex[:6]} #{i}" for i in range(1, 4)]
    ids = []
    for text in texts:
        request = urllib.request.Request(f"{API_URL}/notes", data=json.dumps({"text": text}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request) as response:
            ids.append(json.load(response)["id"])
    return texts, ids


def check(adminer_url, texts):
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    for _ in range(60):
        try:
            browser.open(adminer_url + "/").read()  # the login page, which sets adminer's session cookie
            break
        except OSError:
            time.sleep(0.3)
    else:
        sys.exit(f"adminer-check: adminer did not answer at {adminer_url}")
    login = urllib.parse.urlencode({"auth[driver]": "pgsql", "auth[server]": DB_SERVER, "auth[username]": LOGIN,
                                    "auth[password]": PASSWORD, "auth[db]": DB_NAME}).encode()
    if "Logout" not in browser.open(adminer_url + "/", data=login).read().decode():
        sys.exit(f"adminer-check: adminer did not accept the {LOGIN} login (scripts/db.sh up creates it)")
    query = urllib.parse.urlencode({"pgsql": DB_SERVER, "username": LOGIN, "db": DB_NAME, "ns": SCHEMA,
                                    "select": "mt_doc_note"})
    page = browser.open(f"{adminer_url}/?{query}").read().decode()
    missing = [text for text in texts if text not in page]
    if "Select: mt_doc_note" not in page or missing:
        sys.exit(f"adminer-check: adminer's mt_doc_note page does not show {missing or 'the table'}")


def main():
    texts, ids = store_notes()
    port = free_port()
    adminer = subprocess.Popen(["php", "-S", f"127.0.0.1:{port}", "-t", "/usr/share/adminer", "/etc/adminer/conf.php"],
                               cwd="/tmp", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        check(f"http://127.0.0.1:{port}", texts)
    finally:
        adminer.terminate()
        adminer.wait(timeout=10)
    print(f"adminer-check: adminer logged in as {LOGIN} and shows notes {ids} stored by the API in mt_doc_note")


if __name__ == "__main__":
    main()
