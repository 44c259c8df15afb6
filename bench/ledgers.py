"""The ledger benchmarks of issue 3, on the drop-off points ledger of the city-scale seed.

1. The list page over 100,000 drop-off points: first page, a street filter, a search and a deep
   page, as the city-wide district office and as a street administrator; p50/p95 server time
   through the test client, and the query count at page sizes 50 and 200.
2. Importing a 50,000-row workbook (`plan` = read + validate, `commit` = write + audit), in a
   subprocess on a fresh copy of the database, with the subprocess's peak memory.
3. Exporting 100,000 rows (`ledger.export(ledger.export_queryset(qs))`), in a subprocess, with
   its peak memory.

The demo seeder writes some drop-off points (audited); the benchmark brings them up to 100,000
with points written straight with bulk_create (area_path set from the community, as
`PlacedModel.clean` would). Those have **no audit entries** — the services are not what is
measured here, and the import benchmark writes its own rows through the audited path.

The worker side (`python -m bench.ledgers import|export …`) is what the parent runs in a
subprocess; it is not meant to be run by hand.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

POINTS = 100_000
IMPORT_ROWS = 50_000
SEED = 20250630
SEARCH_COMMON = "花园"
BATCH = 2000

TARGETS = {"list_ms": 150.0, "import_s": 30.0, "import_mb": 1024.0, "export_s": 20.0}

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞宇浩然欣怡子涵梓轩晨阳佳琪思远"
_ROADS = ("路", "街", "巷", "大道", "弄")
_HOURS = ("07:00-09:00, 18:00-20:00", "06:30-08:30, 17:30-19:30", "07:00-10:00", "全天", "")


# --- data ---------------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def _places():
    """Open communities (with their street) and their open sites, in path order."""
    from fenlei.org.choices import KIND_LEVEL, AreaLevel
    from fenlei.org.models import Area, Site

    kinds = [k for k, v in KIND_LEVEL.items() if v == AreaLevel.COMMUNITY]
    communities = list(
        Area.objects.filter(kind__in=kinds, closed_on__isnull=True).select_related("parent").order_by("path")
    )
    sites = defaultdict(list)
    for pk, community_id, name in (
        Site.objects.filter(closed_on__isnull=True).order_by("pk").values_list("pk", "community_id", "name")
    ):
        sites[community_id].append((pk, name))
    return communities, sites


def ensure_points(n: int = POINTS) -> dict:
    """Bring the drop-off points up to `n` over the city's communities, once (in one transaction).

    The demo seeder writes some points of its own (audited); the rest are benchmark data."""
    from django.db import transaction

    from fenlei.facilities.choices import DropOffKind, FacilityStatus
    from fenlei.facilities.models import DropOffPoint

    existing = DropOffPoint.objects.count()
    if existing >= n:
        return {"points": existing, "generated_now": 0, "audited": _audited_points()}
    started = time.perf_counter()
    rng = random.Random(SEED)
    communities, sites = _places()
    taken = set(DropOffPoint.objects.values_list("area_id", "name"))
    used: Counter = Counter()
    kinds = [DropOffKind.SCHEDULED, DropOffKind.AFTER_HOURS, DropOffKind.SMART]
    statuses = [
        FacilityStatus.IN_USE,
        FacilityStatus.OUT_OF_USE,
        FacilityStatus.PLANNED,
        FacilityStatus.BUILDING,
    ]
    batch = []
    with transaction.atomic():
        for _ in range(n - existing):
            community = rng.choice(communities)
            site = rng.choice(sites[community.pk]) if sites[community.pk] and rng.random() < 0.7 else None
            base = site[1] if site else community.name
            name = ""
            while not name or (community.pk, name) in taken:
                used[(community.pk, base)] += 1
                name = f"{base}{used[(community.pk, base)]}号投放点"
            taken.add((community.pk, name))
            closed = rng.random() < 0.03
            lat = float(community.latitude) if community.latitude is not None else None
            lon = float(community.longitude) if community.longitude is not None else None
            batch.append(
                DropOffPoint(
                    area_id=community.pk,
                    area_path=community.path,
                    site_id=site[0] if site else None,
                    name=name,
                    kind=rng.choices(kinds, weights=(75, 15, 10))[0],
                    status=rng.choices(statuses, weights=(88, 6, 3, 3))[0],
                    opening_hours=rng.choice(_HOURS),
                    households_served=rng.randint(40, 900),
                    supervisor=_person(rng),
                    supervisor_phone=_phone(rng),
                    address=f"{community.name}{rng.choice(_SURNAMES)}{rng.choice(_ROADS)}{rng.randint(1, 399)}号",
                    latitude=round(lat + rng.uniform(-0.004, 0.004), 6) if lat is not None else None,
                    longitude=round(lon + rng.uniform(-0.004, 0.004), 6) if lon is not None else None,
                    in_use_since=datetime.date(2019, 7, 1) + datetime.timedelta(days=rng.randint(0, 2200)),
                    closed_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 150))
                    if closed
                    else None,
                )
            )
            if len(batch) >= BATCH:
                DropOffPoint.objects.bulk_create(batch)
                batch = []
        if batch:
            DropOffPoint.objects.bulk_create(batch)
    return {
        "points": n,
        "generated_now": n - existing,
        "seconds": round(time.perf_counter() - started, 2),
        "audited": _audited_points(),
    }


def _audited_points() -> int:
    """How many of the points were written through the audited path (the demo seeder's)."""
    from django.contrib.contenttypes.models import ContentType

    from fenlei.core.models import AuditAction, AuditEntry
    from fenlei.facilities.models import DropOffPoint

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DropOffPoint), action=AuditAction.CREATE
    ).count()


# --- 1. list pages ------------------------------------------------------------------------------


def _count_of(html: bytes) -> int:
    m = re.search(rb'data-count="(\d+)"', html)
    return int(m.group(1)) if m else -1


def list_cases() -> list[tuple[str, object, str, str]]:
    """(label, user, url at page size 50, url at page size 200) — the 200 deep page has the same offset."""
    from django.urls import reverse

    from fenlei.accounts.models import User
    from fenlei.org.models import Area

    admin = User.objects.get(username="district_admin")
    street_admin = User.objects.get(username="street_admin")
    own = street_admin.role_assignments.filter(active=True, area__isnull=False).first().area
    other = (
        Area.objects.filter(depth=own.depth, closed_on__isnull=True)
        .exclude(pk=own.pk)
        .order_by("path")
        .last()
    )
    url = reverse("facilities:dropoff-list")
    q = f"?q={SEARCH_COMMON}"
    return [
        ("first page", admin, url, url),
        (f"street {other.name}", admin, f"{url}?street={other.pk}", f"{url}?street={other.pk}"),
        (f"search {SEARCH_COMMON}", admin, url + q, url + q),
        ("page 1000", admin, f"{url}?page=1000", f"{url}?page=250"),
        ("first page", street_admin, url, url),
        (f"street {own.name} (own)", street_admin, f"{url}?street={own.pk}", f"{url}?street={own.pk}"),
        (f"search {SEARCH_COMMON}", street_admin, url + q, url + q),
        ("last page", street_admin, f"{url}?page=last", f"{url}?page=last"),
    ]


def run_lists(*, runs: int) -> list[dict]:
    from django.test import Client
    from django.test.utils import override_settings

    from bench.timing import measure

    results = []
    for label, user, url50, url200 in list_cases():
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        p50, p95, queries = measure(client, url50, runs)
        rows = _count_of(client.get(url50).content)
        with override_settings(FENLEI_PAGE_SIZE=200):
            p50_200, p95_200, queries_200 = measure(client, url200, runs)
        who = "district admin" if user.username == "district_admin" else "street admin"
        results.append(
            {
                "page": f"{label} ({who})",
                "url": url50,
                "url_200": url200,
                "rows": rows,
                "queries": queries,
                "queries_200": queries_200,
                "flat": queries == queries_200,
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "p50_ms_200": round(p50_200, 2),
                "p95_ms_200": round(p95_200, 2),
                "ratio_p50": round(p50 / TARGETS["list_ms"], 2),
                "ratio_p95": round(p95 / TARGETS["list_ms"], 2),
                "ok": p95 <= TARGETS["list_ms"] and queries == queries_200,
            }
        )
    return results


# --- 2. import ----------------------------------------------------------------------------------


def write_import_workbook(path: Path, rows: int = IMPORT_ROWS) -> dict:
    """A workbook of `rows` new drop-off points in the template's columns, placed by street and
    community name. Only streets whose name is unique in the city are used: the sheet has no
    district column, so a city-wide importer cannot name the others unambiguously."""
    import openpyxl
    from django.utils import translation

    from fenlei.facilities.choices import DropOffKind, FacilityStatus
    from fenlei.facilities.importexport import DropOffPointLedger
    from fenlei.facilities.models import DropOffPoint

    ledger = DropOffPointLedger()
    communities, sites = _places()
    streets = Counter(street.name for street in {c.parent for c in communities if c.parent_id})
    placeable = [c for c in communities if c.parent_id and streets[c.parent.name] == 1]
    with translation.override("zh-hans"):
        kind_labels = [str(label) for _code, label in DropOffKind.choices]
        status_labels = {code: str(label) for code, label in FacilityStatus.choices}
    rng = random.Random(SEED + 1)
    taken = set(DropOffPoint.objects.values_list("area_id", "name"))
    used: Counter = Counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(ledger.sheet_title)
    ws.append(ledger.headers())
    keys = [c.key for c in ledger.columns]
    for i in range(rows):
        community = rng.choice(placeable)
        site = rng.choice(sites[community.pk]) if sites[community.pk] and rng.random() < 0.6 else None
        base = site[1] if site else community.name
        name = ""
        while not name or (community.pk, name) in taken:
            used[(community.pk, base)] += 1
            name = f"{base}新{used[(community.pk, base)]}号投放点"
        taken.add((community.pk, name))
        since = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 1800))
        # the formats offices actually type: a date cell, 2023/5/1, 2023年5月1日
        since_cell = (
            since,
            f"{since.year}/{since.month}/{since.day}",
            f"{since:%Y}年{since.month}月{since.day}日",
        )[i % 3]
        values = {
            "street": community.parent.name,
            "community": community.name,
            "site": site[1] if site else None,
            "name": name,
            "kind": kind_labels[rng.choices((0, 1, 2), weights=(75, 15, 10))[0]],
            "opening_hours": rng.choice(_HOURS) or None,
            "households_served": rng.choice((rng.randint(40, 900), f"{rng.randint(40, 900)}户")),
            "supervisor": _person(rng),
            "supervisor_phone": _phone(rng),
            "status": status_labels[rng.choice(("in_use", "in_use", "in_use", "planned"))],
            "address": f"{community.name}{rng.choice(_SURNAMES)}{rng.choice(_ROADS)}{rng.randint(1, 399)}号",
            "latitude": round(float(community.latitude) + rng.uniform(-0.004, 0.004), 6)
            if community.latitude is not None
            else None,
            "longitude": round(float(community.longitude) + rng.uniform(-0.004, 0.004), 6)
            if community.longitude is not None
            else None,
            "in_use_since": since_cell,
        }
        ws.append([values.get(k) for k in keys])
    wb.save(path)
    return {"rows": rows, "bytes": path.stat().st_size, "streets_used": len({c.parent_id for c in placeable})}


def _copy_database(target_dir: Path) -> dict:
    """A fresh copy of the benchmark database for a run that writes: env overrides for the worker."""
    from django.db import connection, connections

    if connection.vendor == "sqlite":
        import sqlite3

        src = sqlite3.connect(str(connection.settings_dict["NAME"]))
        dst = sqlite3.connect(str(target_dir / "fenlei.sqlite3"))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        return {"FENLEI_VAR_DIR": str(target_dir)}
    name = connection.settings_dict["NAME"]
    copy = f"{name}_import_{os.getpid()}"
    connections.close_all()  # a template database must have no other session
    _postgres_admin(connection, f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return {"DATABASE_URL": _database_url(connection, copy), "_pg_copy": copy}


def _database_url(connection, name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _postgres_admin(connection, sql: str) -> None:
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def _worker(args: list[str], env_extra: dict) -> dict:
    env = {**os.environ, **{k: v for k, v in env_extra.items() if not k.startswith("_")}}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DATABASE_URL" in env_extra:
        env.pop("FENLEI_VAR_DIR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "bench.ledgers", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args[0]} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_import(*, tracemalloc: bool = False) -> dict:
    from django.db import connection

    tmp = Path(tempfile.mkdtemp(prefix="fenlei-bench-import-"))
    pg_copy = None
    try:
        started = time.perf_counter()
        book = write_import_workbook(tmp / "dropoff-50000.xlsx")
        book["seconds_to_write"] = round(time.perf_counter() - started, 2)
        env = _copy_database(tmp)
        pg_copy = env.get("_pg_copy")
        args = ["import", str(tmp / "dropoff-50000.xlsx")] + (["--tracemalloc"] if tracemalloc else [])
        result = _worker(args, env)
    finally:
        if pg_copy:
            _postgres_admin(connection, f'DROP DATABASE IF EXISTS "{pg_copy}"')
        shutil.rmtree(tmp, ignore_errors=True)
    result["workbook"] = book
    total = result["plan_s"] + result["commit_s"]
    result["total_s"] = round(total, 2)
    result["ratio_time"] = round(total / TARGETS["import_s"], 2)
    result["ratio_memory"] = round(result["peak_rss_mb"] / TARGETS["import_mb"], 2)
    result["ok"] = total <= TARGETS["import_s"] and result["peak_rss_mb"] <= TARGETS["import_mb"]
    return result


def run_export(*, tracemalloc: bool = False) -> dict:
    from django.db import connection

    env = (
        {"FENLEI_VAR_DIR": str(Path(connection.settings_dict["NAME"]).parent)}
        if connection.vendor == "sqlite"
        else {"DATABASE_URL": _database_url(connection, connection.settings_dict["NAME"])}
    )
    result = _worker(["export"] + (["--tracemalloc"] if tracemalloc else []), env)
    result["ratio_time"] = round(result["export_s"] / TARGETS["export_s"], 2)
    result["ok"] = result["export_s"] <= TARGETS["export_s"]
    return result


# --- the worker side ----------------------------------------------------------------------------


def _rss_mb() -> float:
    """This process's peak resident set so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return round(int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024, 1)


def _work_import(path: str, trace: bool) -> dict:
    import tracemalloc

    from fenlei.accounts.models import User
    from fenlei.core.models import AuditEntry
    from fenlei.facilities.importexport import DropOffPointLedger
    from fenlei.facilities.models import DropOffPoint

    user = User.objects.get(username="district_admin")
    ledger = DropOffPointLedger()
    points_before = DropOffPoint.objects.count()
    audit_before = AuditEntry.objects.count()
    base = _current_rss_mb()
    if trace:
        tracemalloc.start()
    with open(path, "rb") as fh:
        t0, c0 = time.perf_counter(), time.process_time()
        plan = ledger.plan(fh, user)
        t1, c1 = time.perf_counter(), time.process_time()
    rss_after_plan = _rss_mb()
    if not plan.ok:
        raise SystemExit("the benchmark workbook has errors: " + repr([e.as_dict() for e in plan.errors[:5]]))
    t2, c2 = time.perf_counter(), time.process_time()
    summary = ledger.commit(plan, user)
    t3, c3 = time.perf_counter(), time.process_time()
    traced = tracemalloc.get_traced_memory()[1] if trace else None
    return {
        "existing_points": points_before,
        "summary": summary,
        "written": DropOffPoint.objects.count() - points_before,
        "audit_entries": AuditEntry.objects.count() - audit_before,
        "plan_s": round(t1 - t0, 2),
        "commit_s": round(t3 - t2, 2),
        "plan_cpu_s": round(c1 - c0, 2),
        "commit_cpu_s": round(c3 - c2, 2),
        "baseline_rss_mb": base,
        "peak_rss_after_plan_mb": rss_after_plan,
        "peak_rss_mb": _rss_mb(),
        "tracemalloc_peak_mb": round(traced / 1024 / 1024, 1) if traced is not None else None,
    }


def _work_export(trace: bool) -> dict:
    import tracemalloc

    from fenlei.accounts.models import User
    from fenlei.core.roles import Action
    from fenlei.core.scoping import for_user
    from fenlei.facilities.importexport import DropOffPointLedger
    from fenlei.facilities.models import DropOffPoint

    user = User.objects.get(username="district_admin")
    ledger = DropOffPointLedger()
    qs = for_user(user, Action.EXPORT, DropOffPoint.objects.all())
    rows = qs.count()
    base = _current_rss_mb()
    if trace:
        tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    path = ledger.export(ledger.export_queryset(qs))
    t1, c1 = time.perf_counter(), time.process_time()
    traced = tracemalloc.get_traced_memory()[1] if trace else None
    size = os.path.getsize(path)
    os.unlink(path)
    return {
        "rows": rows,
        "bytes": size,
        "export_s": round(t1 - t0, 2),
        "export_cpu_s": round(c1 - c0, 2),
        "baseline_rss_mb": base,
        "peak_rss_mb": _rss_mb(),
        "tracemalloc_peak_mb": round(traced / 1024 / 1024, 1) if traced is not None else None,
    }


def _worker_main(argv: list[str]) -> int:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    django.setup()
    trace = "--tracemalloc" in argv
    argv = [a for a in argv if a != "--tracemalloc"]
    if argv[0] == "import":
        result = _work_import(argv[1], trace)
    elif argv[0] == "export":
        result = _work_export(trace)
    else:
        raise SystemExit(f"unknown worker {argv[0]!r}")
    print(json.dumps(result))
    return 0


# --- the whole run ------------------------------------------------------------------------------


def run(
    *, runs: int, parts: tuple[str, ...] = ("list", "import", "export"), tracemalloc: bool = False
) -> dict:
    from django.db import connection

    print("drop-off points for the ledger benchmark …", flush=True)
    data = ensure_points()
    if connection.vendor == "postgresql":
        # what autovacuum does soon after a bulk load: without statistics the planner guesses one row
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    data["note"] = "points beyond the demo seeder's are written with bulk_create and have no audit entries"
    out: dict = {"data": data, "targets": TARGETS, "load_before": _load()}
    if "list" in parts:
        print(f"list pages, {runs} runs each at page sizes 50 and 200 …", flush=True)
        out["lists"] = run_lists(runs=runs)
    # a traced run is slower: its figures are kept apart from the timed ones
    traced = "_tracemalloc" if tracemalloc else ""
    if "import" in parts:
        print(f"importing {IMPORT_ROWS} rows in a subprocess on a copy of the database …", flush=True)
        out["import" + traced] = run_import(tracemalloc=tracemalloc)
    if "export" in parts:
        print(f"exporting {POINTS} rows in a subprocess …", flush=True)
        out["export" + traced] = run_export(tracemalloc=tracemalloc)
    out["load_after"] = _load()
    return out


def _load() -> list[float]:
    """The machine's load average (1, 5, 15 min): figures taken on a busy machine are slower."""
    return [round(x, 2) for x in os.getloadavg()]


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def print_table(out: dict) -> None:
    if "lists" in out:
        print(
            f"\n{_pad('drop-off points list', 44)} {'rows':>7} {'q@50':>5} {'q@200':>5} {'p50 ms':>8}"
            f" {'p95 ms':>8} {'p95@200':>8} {'p95/150':>7}"
        )
        for r in out["lists"]:
            print(
                f"{_pad(r['page'], 44)} {r['rows']:>7} {r['queries']:>5} {r['queries_200']:>5}"
                f" {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p95_ms_200']:>8.1f} {r['ratio_p95']:>7.2f}"
                f"  {_mark(r['ok'])}"
            )
    if "import" in out:
        r = out["import"]
        print(
            f"\nimport {r['workbook']['rows']} rows ({r['workbook']['bytes'] / 1e6:.1f} MB xlsx, "
            f"{r['existing_points']} points already there), {r['audit_entries']} audit entries written:"
        )
        print(
            f"  plan {r['plan_s']:.1f} s (cpu {r['plan_cpu_s']:.1f}) + commit {r['commit_s']:.1f} s "
            f"(cpu {r['commit_cpu_s']:.1f}) = {r['total_s']:.1f} s, x{r['ratio_time']:.2f} of 30 s  "
            f"{_mark(r['total_s'] <= TARGETS['import_s'])}"
        )
        print(
            f"  peak RSS {r['peak_rss_mb']:.0f} MB ({r['baseline_rss_mb']:.0f} MB before, "
            f"{r['peak_rss_after_plan_mb']:.0f} MB after the plan), x{r['ratio_memory']:.2f} of 1 GB  "
            f"{_mark(r['peak_rss_mb'] <= TARGETS['import_mb'])}"
        )
    if "export" in out:
        r = out["export"]
        print(
            f"\nexport {r['rows']} rows: {r['export_s']:.1f} s (cpu {r['export_cpu_s']:.1f}), "
            f"x{r['ratio_time']:.2f} of 20 s, {r['bytes'] / 1e6:.1f} MB xlsx, peak RSS "
            f"{r['peak_rss_mb']:.0f} MB ({r['baseline_rss_mb']:.0f} MB before)  {_mark(r['ok'])}"
        )
    for part in ("import", "export"):
        r = out.get(f"{part}_tracemalloc")
        if r:
            print(
                f"{part} under tracemalloc (slower, not timed against the target): Python heap peak "
                f"{r['tracemalloc_peak_mb']:.0f} MB, peak RSS {r['peak_rss_mb']:.0f} MB"
            )
    if "load_before" in out:
        print(f"\nload average before {out['load_before']}, after {out.get('load_after')}")


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
