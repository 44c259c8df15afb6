"""The ingest benchmark of issue 4: collection records through the HTTP endpoint of a real server.

1. Draw a year of device batches (bench/collection_data.py: 10,000 records each) over the sources of
   the benchmark's seeded database, and write them to disk (the clients only read and send).
2. On a fresh copy of the database, issue one device per client (`services.device_create`), start a
   real server (gunicorn with sync workers, or `runserver --noreload`) and let N client processes
   POST the batches to /api/collection/ingest/ with `Authorization: Device <token>`: records/s over
   the whole run, rollups and idempotency included. Then send every batch again (a retry: all
   duplicates) and time that. The server's resident memory (the master and its workers, from
   /proc) is sampled every 50 ms throughout.
3. On another fresh copy, insert the same rows with a plain `executemany` (the INSERT of
   `services._insert`, the same columns and indexes, one transaction per batch): the floor the
   endpoint is compared with.
4. On a third fresh copy, `services.ingest` in-process (no HTTP) on the first batches, and a cProfile
   of one 10,000-record batch: where the time goes.

The worker side (`python -m bench.collection_ingest devices|verify|executemany|profile …`) runs in
subprocesses against a copy; it is not meant to be run by hand. Results go to
bench/out/results-collection-ingest-<vendor>.json.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
URL = "/api/collection/ingest/"
TARGETS = {"records_per_s": 50_000, "server_rss_mb": 300}


# --- the parent side ------------------------------------------------------------------------------


def run(
    *,
    clients: int = 4,
    workers: int = 2,
    server: str = "gunicorn",
    days: int = 365,
    trips: bool = False,
    in_process_batches: int = 20,
    keep: bool = False,
) -> dict:
    from bench import ledgers
    from bench.collection_data import Generator, Spec, write_batches

    work = OUT / "collection-ingest"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    pg_copies = []
    load_before = os.getloadavg()
    try:
        spec = Spec.load(days=days)
        gen = Generator(spec, trips=trips)
        print(
            f"generating {gen.total:,} records ({len(spec.sources):,} sources × {len(spec.streams)} streams × "
            f"{days} days) in {gen.batches} batches …",
            flush=True,
        )
        data = write_batches(gen, work / "batches")
        bodies = sorted((work / "batches").glob("batch-*.json"))
        result: dict = {
            "records": gen.total,
            "batches": gen.batches,
            "sources": len(spec.sources),
            "days": days,
            "trips": trips,
            "clients": clients,
            "server": server if server == "runserver" else f"gunicorn, {workers} sync workers",
            "data": data,
        }

        # 2. through HTTP
        env = _copy(ledgers, work / "db-http", pg_copies)
        tokens = _worker(["devices", str(clients)], env)["tokens"]
        port = _free_port()
        proc = _start_server(server, workers, port, env)
        sampler = _Sampler(proc.pid)
        sampler.start()
        try:
            _wait_ready(port, proc)
            print(f"posting with {clients} clients …", flush=True)
            first = _send_all(bodies, tokens, port)
            print(f"  {first['records_per_s']:,.0f} records/s; the retry …", flush=True)
            again = _send_all(bodies, tokens, port)
        finally:
            try:
                sampler.stop()
            finally:
                _stop_server(proc)
        result["http"] = first
        result["retry"] = again
        result["server_rss_mb"] = sampler.summary()
        result["check"] = _worker(["verify", str(gen.total)], env)
        if first["accepted"] != gen.total or first["rejected"]:
            raise RuntimeError(f"the endpoint did not keep every record: {first}")
        if again["accepted"] or again["duplicates"] != gen.total:
            raise RuntimeError(f"the retry was not all duplicates: {again}")

        # 3. the floor: plain executemany of the same rows
        print("plain executemany of the same rows …", flush=True)
        env = _copy(ledgers, work / "db-executemany", pg_copies)
        result["executemany"] = _worker(["executemany", str(work / "batches")], env)

        # 4. in-process ingest and the profile of one batch
        print("in-process ingest and a profile …", flush=True)
        env = _copy(ledgers, work / "db-profile", pg_copies)
        result["in_process"] = _worker(
            # the last batch may be short: profile a full one
            ["profile", str(work / "batches"), str(max(0, min(in_process_batches, gen.batches - 2)))],
            env,
        )
    finally:
        if pg_copies:
            from django.db import connection

            for name in pg_copies:
                ledgers._postgres_admin(connection, f'DROP DATABASE IF EXISTS "{name}"')
        if not keep:
            shutil.rmtree(work, ignore_errors=True)

    # the machine is shared: say how busy it was (1-minute load average, before and after)
    result["load_average"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    http_rate = result["http"]["records_per_s"]
    floor = result["executemany"]["records_per_s"]
    result["ratio_to_executemany"] = round(http_rate / floor, 3) if floor else None
    result["ratio_to_target"] = round(http_rate / TARGETS["records_per_s"], 3)
    result["ok"] = (
        http_rate >= TARGETS["records_per_s"]
        and result["server_rss_mb"]["peak_total"] <= TARGETS["server_rss_mb"]
    )
    return result


def print_table(r: dict) -> None:
    h, again, rss, em, ip = r["http"], r["retry"], r["server_rss_mb"], r["executemany"], r["in_process"]
    print(
        f"\n{r['records']:,} records ({r['sources']:,} sources × {r['days']} days), {r['batches']} batches, "
        f"{r['clients']} clients, {r['server']}{', with trips' if r['trips'] else ''}"
    )
    print(f"machine load (1-minute average) before and after: {r['load_average']}")
    print(f"{'pass':<34} {'records/s':>12} {'seconds':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for label, p in (("HTTP, first send", h), ("HTTP, retry (all duplicates)", again)):
        print(
            f"{label:<34} {p['records_per_s']:>12,.0f} {p['seconds']:>9.1f} {p['p50_ms']:>8.0f} {p['p95_ms']:>8.0f}"
        )
    print(f"{'in-process services.ingest':<34} {ip['records_per_s']:>12,.0f} {ip['seconds']:>9.1f}")
    print(f"{'plain executemany (floor)':<34} {em['records_per_s']:>12,.0f} {em['seconds']:>9.1f}")
    print(
        f"ratio HTTP / executemany: {r['ratio_to_executemany']}; HTTP / target "
        f"{TARGETS['records_per_s']:,}/s: {r['ratio_to_target']}"
    )
    print(
        f"server RSS peak: {rss['peak_total']} MB in all ({rss['processes']} processes; the largest "
        f"{rss['peak_process']} MB; target ≤ {TARGETS['server_rss_mb']} MB); each process's peak: "
        f"{', '.join(str(mb) for mb in rss['by_process'])} MB"
    )
    print("\nprofile of services.ingest, one batch of 10,000 records (cumulative seconds):")
    for name, seconds in ip["phases"].items():
        print(f"  {name:<40} {seconds:>7.3f}")
    print("\ntop functions by own time:")
    for line in ip["top_own"]:
        print("  " + line)


def _copy(ledgers, target: Path, pg_copies: list) -> dict:
    """A fresh copy of the benchmark's database (a file on SQLite, a database made from it as a
    template on PostgreSQL, named after `target`): the environment of a process that uses it."""
    from django.db import connection, connections

    target.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        return ledgers._copy_database(target)
    name = connection.settings_dict["NAME"]
    copy = f"{name}_{target.name.replace('-', '_')}_{os.getpid()}"
    connections.close_all()  # a template database must have no other session
    ledgers._postgres_admin(connection, f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    pg_copies.append(copy)
    return {"DATABASE_URL": ledgers._database_url(connection, copy)}


def _env(env_extra: dict) -> dict:
    env = {**os.environ, **{k: v for k, v in env_extra.items() if not k.startswith("_")}}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DATABASE_URL" in env_extra:
        env.pop("FENLEI_VAR_DIR", None)
    env["DEBUG"] = "0"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    return env


def _worker(args: list[str], env_extra: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.collection_ingest", *args],
        cwd=ROOT,
        env=_env(env_extra),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args[0]} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(server: str, workers: int, port: int, env_extra: dict) -> subprocess.Popen:
    bin_dir = Path(sys.executable).parent
    if server == "runserver":
        cmd = [str(bin_dir / "fenlei"), "runserver", "--noreload", f"127.0.0.1:{port}"]
    else:
        cmd = [
            str(bin_dir / "gunicorn"),
            "config.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=600",
            "--log-level=warning",
        ]
    log = open(OUT / "collection-ingest" / "server.log", "wb")  # noqa: SIM115 (kept open for the process)
    return subprocess.Popen(cmd, cwd=ROOT, env=_env(env_extra), stdout=log, stderr=subprocess.STDOUT)


def _wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server stopped; see bench/out/collection-ingest/server.log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("POST", URL, body=b"{}", headers={"Content-Type": "application/json"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


def _stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class _Sampler(threading.Thread):
    """Samples the resident memory of a process and its descendants from /proc."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_total = 0
        self.peak_by_pid: dict[int, int] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        pids, refreshed = [self.pid], 0.0
        while not self._halt.is_set():
            now = time.monotonic()
            if now - refreshed > 0.5:
                pids, refreshed = _descendants(self.pid), now
            total = 0
            for pid in pids:
                kb = _rss_kb(pid)
                total += kb
                if kb > self.peak_by_pid.get(pid, 0):
                    self.peak_by_pid[pid] = kb
            self.peak_total = max(self.peak_total, total)
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def summary(self) -> dict:
        return {
            "peak_total": round(self.peak_total / 1024, 1),
            "peak_process": round(max(self.peak_by_pid.values(), default=0) / 1024, 1),
            "processes": len(self.peak_by_pid),
            "by_process": sorted(round(kb / 1024, 1) for kb in self.peak_by_pid.values()),
        }


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _send_all(bodies: list[Path], tokens: list[str], port: int) -> dict:
    """Each client k sends the batches i with i % clients == k, in order, with its own device's token."""
    n = len(tokens)
    jobs = [([str(p) for p in bodies[k::n]], tokens[k], port) for k in range(n)]
    ctx = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with ctx.Pool(n) as pool:
        parts = pool.map(_client, jobs)
    seconds = time.perf_counter() - started
    latencies = sorted(ms for part in parts for ms in part["ms"])
    accepted = sum(p["accepted"] for p in parts)
    duplicates = sum(p["duplicates"] for p in parts)
    received = sum(p["received"] for p in parts)
    from bench.timing import percentile

    return {
        "received": received,
        "accepted": accepted,
        "duplicates": duplicates,
        "rejected": sum(p["rejected"] for p in parts),
        "seconds": round(seconds, 2),
        "records_per_s": round(received / seconds),
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(latencies[-1], 1) if latencies else 0,
    }


def _client(job) -> dict:
    paths, token, port = job
    out = {"received": 0, "accepted": 0, "duplicates": 0, "rejected": 0, "ms": []}
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Device {token}",
        "Accept-Language": "en",
    }
    for path in paths:
        body = Path(path).read_bytes()
        for attempt in range(5):
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                conn.request("POST", URL, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                conn.close()
            except OSError:
                if attempt == 4:
                    raise
                time.sleep(0.5)
                continue
            if response.status == 429 or response.status >= 500:  # throttled or busy: retry the same batch
                if attempt == 4:
                    raise RuntimeError(f"{response.status}: {payload[:500]!r}")
                time.sleep(1.0)
                continue
            if response.status != 200:
                raise RuntimeError(f"{response.status}: {payload[:500]!r}")
            out["ms"].append((time.perf_counter() - t0) * 1000)
            data = json.loads(payload)
            out["received"] += data["received"]
            out["accepted"] += data["accepted"]
            out["duplicates"] += len(data["duplicates"])
            out["rejected"] += len(data["rejected"])
            break
    return out


# --- the worker side ------------------------------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def worker_devices(n: int) -> dict:
    """Issue `n` devices (weighbridges of the whole world, no haulier) and return their tokens."""
    from fenlei.collection import services
    from fenlei.collection.choices import DeviceKind
    from fenlei.collection.models import Device
    from fenlei.org.models import Area

    root = Area.objects.filter(depth=0).order_by("path").first()  # the district (or the city)
    tokens = []
    for i in range(n):
        _device, token = services.device_create(
            device=Device(name=f"基准测试地磅{i + 1}", kind=DeviceKind.WEIGHBRIDGE, area=root), by=None
        )
        tokens.append(token)
    return {"tokens": tokens}


def worker_verify(expected: int) -> dict:
    """The records of the devices, and the district's daily totals against the records."""
    from django.db.models import Count, Sum

    from fenlei.collection.models import AreaDay, Record

    kept = Record.objects.filter(origin__startswith="device:").count()
    records = Record.objects.filter(voided_at__isnull=True).count()
    root = AreaDay.objects.filter(area__depth=0).aggregate(n=Sum("records"))["n"] or 0
    streams = dict(
        Record.objects.filter(origin__startswith="device:")
        .values_list("stream")
        .annotate(n=Count("id"))
        .order_by()
    )
    if kept != expected or root != records:
        raise SystemExit(f"kept {kept} of {expected}; root total {root} for {records} records")
    return {"device_records": kept, "all_records": records, "root_total_records": root, "by_stream": streams}


def _rows_for(records: list[dict], lookups: dict, origin: str, submission_id: int, now_db) -> list[tuple]:
    """The parameters of `services._insert` for `records` (resolved outside the timed part)."""
    from decimal import Decimal

    from django.db import connection
    from django.utils.dateparse import parse_datetime

    ops = connection.ops
    rows = []
    for r in records:
        if "site" in r:
            site_id = r["site"]
            area_id, area_path = lookups["sites"][site_id]
        else:
            site_id, area_id = None, r["area"]
            area_path = lookups["areas"][area_id]
        when = parse_datetime(r["occurred_at"])
        vehicle_id, hauler_id = lookups["vehicles"].get(r.get("vehicle"), (None, None))
        rows.append(
            (
                now_db,
                now_db,
                area_path,
                ops.adapt_datetimefield_value(when),
                when.date(),
                site_id,
                area_id,
                r["stream"],
                None,
                ops.adapt_decimalfield_value(Decimal(r["weight_kg"]), 9, 2),
                None,
                None,
                False,
                vehicle_id,
                hauler_id,
                None,
                r.get("seq"),
                None,
                None,
                r.get("grade", ""),
                "device",
                submission_id,
                origin,
                r["client_id"],
                "0123456789abcdef",
                False,
                False,
                "",
                None,
                "",
            )
        )
    return rows


def _lookups() -> dict:
    from fenlei.facilities.models import Vehicle
    from fenlei.org.models import Area, Site

    return {
        "sites": {pk: (a, p) for pk, a, p in Site.objects.values_list("pk", "community_id", "area_path")},
        "areas": dict(Area.objects.values_list("pk", "path")),
        "vehicles": {
            plate: (pk, h) for plate, pk, h in Vehicle.objects.values_list("plate", "pk", "hauler_id")
        },
    }


def worker_executemany(batches: str) -> dict:
    """Insert every batch's rows with the INSERT of `services._insert`, one transaction per batch."""
    from django.db import connection, transaction
    from django.utils import timezone

    from fenlei.collection import services
    from fenlei.collection.models import Record, Submission

    q = connection.ops.quote_name
    column_of = {f.attname: f.column for f in Record._meta.concrete_fields}
    columns = ", ".join(q(column_of[c]) for c in services._INSERT_COLUMNS)
    sql = (
        f"INSERT INTO {q(Record._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(services._INSERT_COLUMNS))})"
    )
    lookups = _lookups()
    submission = Submission.objects.create(face="device", area_path="")
    now_db = connection.ops.adapt_datetimefield_value(timezone.now())
    timed = 0.0
    count = 0
    for path in sorted(Path(batches).glob("batch-*.json")):
        records = json.loads(path.read_bytes())["records"]
        rows = _rows_for(records, lookups, "bench:executemany", submission.pk, now_db)
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        timed += time.perf_counter() - t0
        count += len(rows)
    return {"records": count, "seconds": round(timed, 2), "records_per_s": round(count / timed)}


def worker_profile(batches: str, n: int) -> dict:
    """`services.ingest` in-process on the first `n` batches (timed), then batch `n` under cProfile."""
    import cProfile
    import io
    import pstats

    from fenlei.collection import services
    from fenlei.collection.choices import EntryFace

    device_token = worker_devices(1)["tokens"][0]
    from fenlei.collection.models import Device

    device = Device.objects.get(token_hash=services.hash_token(device_token))
    paths = sorted(Path(batches).glob("batch-*.json"))
    seconds, count = 0.0, 0
    for path in paths[:n]:
        records = json.loads(path.read_bytes())["records"]
        t0 = time.perf_counter()
        result = services.ingest(records, face=EntryFace.DEVICE, device=device, within=[device.area_path])
        seconds += time.perf_counter() - t0
        count += result.accepted
    records = json.loads(paths[n].read_bytes())["records"]
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    result = services.ingest(records, face=EntryFace.DEVICE, device=device, within=[device.area_path])
    profiler.disable()
    profiled = time.perf_counter() - t0
    stats = pstats.Stats(profiler)
    phases = {}
    wanted = {
        ("validation.py", "load"): "Checker.load (one batch's look-ups)",
        ("validation.py", "check"): "Checker.check (every row)",
        ("services.py", "_existing"): "_existing (retries' client ids)",
        ("services.py", "_trips"): "_trips",
        ("services.py", "_insert"): "_insert (executemany of the records)",
        ("rollups.py", "apply"): "rollups.apply (the totals)",
        ("services.py", "_trip_sums"): "_trip_sums",
        ("services.py", "_write_time_alarms"): "_write_time_alarms",
        ("audit.py", "log"): "audit.log",
    }
    for (filename, _line, name), row in stats.stats.items():
        key = (Path(filename).name, name)
        if key in wanted:
            phases[wanted[key]] = round(phases.get(wanted[key], 0) + row[3], 3)
    phases["services.ingest (all, under the profiler)"] = round(profiled, 3)
    own = io.StringIO()
    pstats.Stats(profiler, stream=own).sort_stats("tottime").print_stats(15)
    lines = own.getvalue().splitlines()
    header = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
    top_own = [line.rstrip() for line in lines[header : header + 16] if line.strip()]
    return {
        "batches": n,
        "records": count,
        "seconds": round(seconds, 2),
        "records_per_s": round(count / seconds) if seconds else 0,
        "profiled_batch": {
            "records": len(records),
            "accepted": result.accepted,
            "seconds": round(profiled, 3),
        },
        "phases": phases,
        "top_own": top_own,
    }


def worker_main(argv: list[str]) -> int:
    _setup()
    command, *rest = argv
    if command == "devices":
        result = worker_devices(int(rest[0]))
    elif command == "verify":
        result = worker_verify(int(rest[0]))
    elif command == "executemany":
        result = worker_executemany(rest[0])
    elif command == "profile":
        result = worker_profile(rest[0], int(rest[1]))
    else:
        raise SystemExit(f"unknown worker command {command}")
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
