"""Load test of the Notes API.

Two kinds of users:
- NoteTaker, a person using a notes app: reads pages and single notes most of the time, searches and filters,
  follows cursors to the next page, writes now and then (creates, edits with If-Match, ticks off with a merge
  patch, deletes what it made);
- SeedUser, the seed's own locust habit: posts a note on start, then reads /notes/1 to /notes/10 over and over.

Run it with `make load-test` (web UI on http://127.0.0.1:8089) or `make load-test-headless` (bounded, with reports).
"""
import json
import random
import urllib.request

from locust import HttpUser, between, events, task


@events.test_start.add_listener
def make_sure_notes_1_to_10_exist(environment, **_):
    """SeedUser reads /notes/1../notes/10: on a fresh database, create them before anyone asks."""
    base = environment.host.rstrip("/")
    with urllib.request.urlopen(f"{base}/notes?skip=0&take=10", timeout=10) as response:
        existing = len(json.load(response))
    for i in range(existing, 10):
        request = urllib.request.Request(
            f"{base}/notes",
            data=json.dumps({"text": f"seed note {i + 1}", "completed": False}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()


class NoteTaker(HttpUser):
    weight = 4
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.mine = []
        for _ in range(3):
            self.create()

    @task(10)
    def read_first_page(self):
        self.client.get("/notes", name="/notes?skip&take")

    @task(4)
    def read_another_page(self):
        self.client.get(f"/notes?skip={random.randint(0, 200)}&take=20", name="/notes?skip&take")

    @task(4)
    def search(self):
        """Search as one types: the last word is a prefix."""
        query = random.choice(["buy", "buy mi", "call", "call an", "water", "book the tr", "repl"])
        self.client.get(f"/notes?q={query}&take=20", name="/notes?q")

    @task(3)
    def filter_and_sort(self):
        completed = random.choice(["true", "false"])
        sort = random.choice(["-updatedAt", "createdAt", "-id"])
        self.client.get(f"/notes?completed={completed}&sort={sort}&take=20", name="/notes?completed&sort")

    @task(3)
    def follow_cursor(self):
        """Read a few pages in a row, following the Link header as a client of a long list does."""
        url = "/notes?take=20&sort=-createdAt"
        for _ in range(3):
            response = self.client.get(url, name="/notes?after (cursor)")
            link = response.headers.get("Link")
            if response.status_code != 200 or not link:
                return
            url = link.split(";")[0].strip("<> ")

    @task(8)
    def read_one(self):
        if self.mine:
            self.client.get(f"/notes/{random.choice(self.mine)}", name="/notes/{id}")

    @task(4)
    def create(self):
        text = random.choice(["Buy milk", "Call Ann", "Water the plants", "Book the train", "Reply to Sam"])
        with self.client.post("/notes", json={"text": f"{text} #{random.randint(1, 9999)}", "completed": False},
                              catch_response=True) as response:
            if response.status_code == 200:
                self.mine.append(response.json()["id"])
            else:
                response.failure(f"create answered {response.status_code}")

    @task(3)
    def edit(self):
        """Read a note, then replace it with If-Match, as an editor that guards against lost updates."""
        if not self.mine:
            return
        note_id = random.choice(self.mine)
        read = self.client.get(f"/notes/{note_id}", name="/notes/{id}")
        if read.status_code != 200:
            return
        note = read.json()
        self.client.put(f"/notes/{note_id}", name="/notes/{id}",
                        json={"text": (note["text"] + " (edited)")[:100], "completed": note["completed"]},
                        headers={"If-Match": read.headers["ETag"]})

    @task(2)
    def tick_off(self):
        """Tick a note off with a JSON merge patch: only completed changes."""
        if self.mine:
            note_id = random.choice(self.mine)
            self.client.patch(f"/notes/{note_id}", name="/notes/{id}", data=json.dumps({"completed": True}),
                              headers={"Content-Type": "application/merge-patch+json"})

    @task(1)
    def rename(self):
        if self.mine:
            note_id = random.choice(self.mine)
            self.client.put(f"/notes/{note_id}", name="/notes/{id}", json={"text": "Done and dusted", "completed": "true"})

    @task(1)
    def delete_one(self):
        if len(self.mine) > 1:
            note_id = self.mine.pop(random.randrange(len(self.mine)))
            self.client.delete(f"/notes/{note_id}", name="/notes/{id}")


class SeedUser(HttpUser):
    """The seed's locustfile, unchanged in what it sends."""
    weight = 1

    @task()
    def get_items(self):
        for x in range(10):
            self.client.get(f"/notes/{x+1}", name="/notes/[1-10]")

    def on_start(self):
        self.client.post("/notes", json={"completed": "true", "text": "bar"})
