"""The bulk endpoint against a running server: several devices send overlapping batches from parallel
threads and retry them; the records and the totals are exactly what one send of each distinct record
gives. Run on SQLite and on PostgreSQL (DATABASE_URL).

The server is a separate `fenlei runserver` process on the test database, each request with its own
connection and transaction as in production. (pytest-django's `live_server` would hand every server
thread the test's one connection to the in-memory SQLite database, so concurrent requests would
interleave inside one transaction and prove nothing.) On SQLite the server works on a file copy of
the test database, copied back when it stops; on PostgreSQL on the test database itself.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from fenlei.collection import rollups, services
from fenlei.collection.models import AreaDay, Device, Record, SiteDay, Submission

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Server:
    """A `fenlei runserver` process serving the test database."""

    def __init__(self, tmp_path: Path):
        self.copy: Path | None = None
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.copy = tmp_path / "live.sqlite3"
            target = sqlite3.connect(self.copy)
            connection.connection.backup(target)
            target.close()
            database_url = f"sqlite:///{self.copy}"
        else:
            db = connection.settings_dict
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            database_url = f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "FENLEI_DB_CONN_MAX_AGE": "0",
            "FENLEI_VAR_DIR": str(tmp_path / "var"),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fenlei",
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def stop(self) -> str:
        """Stop the server (and, on SQLite, bring its database back); returns what it logged."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)
        log = self.process.stderr.read().decode(errors="replace")
        self.process.stderr.close()
        if self.copy is not None:
            source = sqlite3.connect(self.copy)
            source.backup(connection.connection)
            source.close()
            self.copy = None
        return log

    def post(self, token: str, records: list) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.url}/api/collection/ingest/",
            data=json.dumps({"records": records}).encode(),
            headers={"Authorization": f"Device {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, {}


@pytest.fixture
def start_server(tmp_path):
    """start_server() -> a Server on the test database as it is then (start it once the data it
    needs is written: on SQLite it works on a copy)."""
    started = []

    def start() -> Server:
        started.append(Server(tmp_path))
        return started[-1]

    yield start
    for running in started:
        if not running.process.stderr.closed:
            running.stop()


def test_parallel_devices_retrying_overlapping_batches_count_each_record_once(world, start_server):
    tokens = {}
    for i, hauler in enumerate([world.hauler, world.hauler, world.other_hauler, world.other_hauler]):
        device, token = services.device_create(
            device=Device(name=f"地磅{i}", kind="weighbridge", area=world.district, hauler=hauler),
            by=world.alice,
        )
        tokens[device.pk] = token
    sites = list(world.sites.values())
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)

    def record(n: int, i: int) -> dict:
        """Record i of device n: always the same content, so a resend is a retry. The devices use the
        same client ids, each in its own namespace."""
        return {
            "client_id": f"R{i:05d}",
            "occurred_at": (start + datetime.timedelta(seconds=13 * i + n)).isoformat(),
            "site": sites[(3 * i + n) % len(sites)].pk,
            "stream": ("wet", "dry", "recyclable")[(i + n) % 3],
            "weight_kg": f"{5 + (i * 11 + n * 5) % 300}.{(i + n) % 100:02d}",
        }

    # Each device sends 6 batches of 150 records, each overlapping the next by half (525 distinct
    # records a device), every batch three times; 72 requests shuffled over 8 threads.
    distinct: dict[tuple[int, str], dict] = {}
    work = []
    for n, (device_id, token) in enumerate(tokens.items()):
        for k in range(6):
            batch = [record(n, i) for i in range(k * 75, k * 75 + 150)]
            distinct.update({(device_id, r["client_id"]): r for r in batch})
            work += [(device_id, token, batch)] * 3
    random.Random(4).shuffle(work)
    server = start_server()
    lock = threading.Lock()
    answers: list[tuple[int, int, dict]] = []

    def worker():
        while True:
            with lock:
                if not work:
                    return
                device_id, token, batch = work.pop()
            for attempt in range(30):
                status, body = server.post(token, batch)
                if status != 429 and status < 500:
                    break
                time.sleep(0.05 * (attempt + 1))  # a busy server: send the same batch again
            with lock:
                answers.append((device_id, status, body))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    log = server.stop()
    assert [status for _d, status, _b in answers] == [200] * 72, log[-3000:]

    # Each answer adds up, and over all answers each distinct record was accepted exactly once.
    accepted = Counter()
    for device_id, _status, body in answers:
        assert body["received"] == 150 and not body["rejected"], body["rejected"][:3]
        assert body["accepted"] + len(body["duplicates"]) == 150
        accepted[device_id] += body["accepted"]
    assert accepted == dict.fromkeys(tokens, 525)
    assert Submission.objects.count() == 72

    # The records are the distinct ones, once each, as sent.
    stored = {
        (int(origin.split(":")[1]), cid): (site, stream, weight)
        for origin, cid, site, stream, weight in Record.objects.values_list(
            "origin", "client_id", "site_id", "stream", "weight_kg"
        )
    }
    assert len(stored) == Record.objects.count() == len(distinct) == 4 * 525
    assert stored == {key: (r["site"], r["stream"], Decimal(r["weight_kg"])) for key, r in distinct.items()}

    # The totals are what one send of each distinct record gives: by site and day worked out here,
    # for the district by hand, and every table equal to a rebuild from the records.
    tz = timezone.get_current_timezone()
    by_site: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in distinct.values():
        day = datetime.datetime.fromisoformat(r["occurred_at"]).astimezone(tz).date()
        total = by_site[(r["site"], day, r["stream"])]
        total[0] += int(Decimal(r["weight_kg"]) * 1000)
        total[1] += 1
    assert {
        (s, d, st): [g, n]
        for s, d, st, g, n in SiteDay.objects.values_list("site_id", "day", "stream", "grams", "records")
    } == dict(by_site)
    district = AreaDay.objects.filter(area=world.district)
    assert sum(district.values_list("grams", flat=True)) == sum(
        int(Decimal(r["weight_kg"]) * 1000) for r in distinct.values()
    )
    assert sum(district.values_list("records", flat=True)) == len(distinct)
    kept = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == kept


def test_a_running_server_refuses_a_100_mb_body_before_it_arrives(world, start_server):
    _device, token = services.device_create(
        device=Device(name="地磅", kind="weighbridge", area=world.district), by=world.alice
    )
    server = start_server()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(
            (
                "POST /api/collection/ingest/ HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{server.port}\r\n"
                f"Authorization: Device {token}\r\n"
                "Accept-Language: en\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {100 * 1024 * 1024}\r\n\r\n"
                '{"records": ['
            ).encode()
        )
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer or b"}" not in answer.split(b"\r\n\r\n", 1)[1]:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        waited = time.monotonic() - started
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"at most 16 MB" in body
    assert waited < 5  # answered at once, not after waiting for 100 MB that never come
    server.stop()
    assert not Submission.objects.exists()
