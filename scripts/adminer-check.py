#!/usr/bin/python3
"""Checks adminer as a user would: the API stores notes, adminer logs in with the notes credentials and shows
those notes in the Marten table mt_doc_note. Everything runs on 127.0.0.1 and is stopped at the end.

Needs: a built API (bin/Release), the private PostgreSQL (make db-up), Debian's adminer, php-cli and php-pgsql.
"""
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

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB_PORT = int(os.environ.get("NOTES_DB_PORT", "5432"))
DATABASE = f"notes_adminer_check_{uuid.uuid4().hex[:8]}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql):
    subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(DB_PORT), "-U", "notes", "-d", "notes", "-c", sql],
                   check=True, env={**os.environ, "PGPASSWORD": "notes"})


def wait_for(url, what, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"adminer-check: {what} did not answer at {url} within {seconds} s")


def main():
    api_port, adminer_port = free_port(), free_port()
    api_url, adminer_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{adminer_port}"
    psql(f"create database {DATABASE}")
    env = {k: v for k, v in os.environ.items() if k not in ("db_host", "db_port", "db_name", "db_user", "db_pass", "ssl_mode")}
    env["ConnectionStrings__Notes"] = f"Host=127.0.0.1;Port={DB_PORT};Database={DATABASE};Username=notes;Password=notes"
    api = subprocess.Popen(["dotnet", os.path.join(REPO, "bin/Release/net10.0/Notes.dll"), "--urls", api_url],
                           cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    adminer = subprocess.Popen(["php", "-S", f"127.0.0.1:{adminer_port}", "-t", "/usr/share/adminer", "/etc/adminer/conf.php"],
                               cwd="/tmp", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"{api_url}/health/ready", "the API")
        wait_for(adminer_url, "adminer")

        texts = [f"adminer check {uuid.uuid4().hex[:6]} #{i}" for i in range(1, 4)]
        ids = []
        for text in texts:
            request = urllib.request.Request(f"{api_url}/notes", data=json.dumps({"text": text}).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(request) as response:
                ids.append(json.load(response)["id"])

        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        browser.open(adminer_url + "/").read()  # the login page, which sets adminer's session cookie
        login = urllib.parse.urlencode({
            "auth[driver]": "pgsql", "auth[server]": f"127.0.0.1:{DB_PORT}", "auth[username]": "notes",
            "auth[password]": "notes", "auth[db]": DATABASE,
        }).encode()
        logged_in = browser.open(adminer_url + "/", data=login).read().decode()
        if "Logout" not in logged_in:
            sys.exit("adminer-check: adminer did not accept the notes/notes login")

        query = urllib.parse.urlencode({"pgsql": f"127.0.0.1:{DB_PORT}", "username": "notes", "db": DATABASE,
                                        "ns": "public", "select": "mt_doc_note"})
        page = browser.open(f"{adminer_url}/?{query}").read().decode()
        missing = [text for text in texts if text not in page]
        if "Select: mt_doc_note" not in page or missing:
            sys.exit(f"adminer-check: adminer's mt_doc_note page does not show {missing or 'the table'}")
        print(f"adminer-check: adminer logged in as notes and shows notes {ids} stored by the API in mt_doc_note")
    finally:
        for process in (api, adminer):
            process.terminate()
            process.wait(timeout=30)
        psql(f"drop database if exists {DATABASE} with (force)")


if __name__ == "__main__":
    main()
