"""The collection data generator: a year of device batches over the sources of a seeded world.

The sources are the open sites and the communities (as area-level points) of the database: the
demo district gives 960 sites and 150 communities, so 1,110 sources × 4 streams × 365 days ≈ 1.62 M
records — the issue's "≈1,200 sites × 4 streams × 365 days"; the city seed gives ≈ 38 M. Every
source reports every stream every day (the benchmark's load, not the demo's plausibility: see
fenlei/collection/seeding.py for that).

`Spec.load()` reads what the records refer to (source ids, populations, plates) once, in the
parent; `Generator(spec)` is plain Python without Django, so client processes can draw batch `i`
on their own. Batch `i` is the records `[i × size, (i + 1) × size)` of the year in (day, source,
stream) order, drawn from `random.Random((seed, i))`: the same seed and spec give the same bytes.
Client ids are `<day>-<s|a><pk>-<stream>`, unique in the year. `--trips` adds a trip per vehicle
and day (a device's trip id) to every pick-up that has a vehicle.

`python -m bench.collection_data --out DIR` (with DJANGO_SETTINGS_MODULE and the database of a
seeded world) writes the batches as JSON files; the benchmark calls `write_batches()` itself.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path

SEED = 20261130
BATCH = 10_000
GRADES = (("good", 0.8), ("fair", 0.16), ("poor", 0.04))


@dataclass(frozen=True)
class Spec:
    """What the records refer to, as plain data."""

    #: (key prefix "s"/"a", pk, base kg a day for the whole source) per source, in a stable order
    sources: tuple[tuple[str, int, float], ...]
    #: stream codes, in the scheme's order
    streams: tuple[str, ...]
    #: stream → its share of a source's daily kg
    shares: dict
    #: stream → the plates of its vehicles
    plates: dict
    #: the local time zone's offset from UTC (the records' times carry it)
    utc_offset_minutes: int
    first_day: datetime.date
    days: int

    @classmethod
    def load(cls, *, days: int = 365, end: datetime.date | None = None, within: str = "") -> Spec:
        """Read the sources of the database (under the path `within`, "" for all) and the vehicles."""
        from django.utils import timezone

        from fenlei.facilities.choices import FacilityStatus
        from fenlei.facilities.models import Vehicle
        from fenlei.org.choices import KIND_LEVEL, AreaLevel
        from fenlei.org.models import Area, Site
        from fenlei.taxonomy.choices import MajorCode
        from fenlei.taxonomy.naming import streams

        end = end or timezone.localdate() - datetime.timedelta(days=1)
        sources: list[tuple[str, int, float]] = []
        for pk, population in (
            Site.objects.filter(closed_on__isnull=True, area_path__startswith=within)
            .order_by("area_path", "pk")
            .values_list("pk", "population")
        ):
            # residents' ~1 kg a day; a site without residents (an office, a school …) 100–600 kg
            sources.append(("s", pk, float(population) if population else 100.0 + (pk * 37) % 500))
        communities = [k for k, v in KIND_LEVEL.items() if v == AreaLevel.COMMUNITY]
        for pk in (
            Area.objects.filter(kind__in=communities, closed_on__isnull=True, path__startswith=within)
            .order_by("path")
            .values_list("pk", flat=True)
        ):
            sources.append(("a", pk, 80.0 + (pk * 53) % 400))  # a public point of the community
        share_of = {
            MajorCode.FOOD: 0.30,
            MajorCode.RESIDUAL: 0.60,
            MajorCode.RECYCLABLE: 0.09,
            MajorCode.HAZARDOUS: 0.01,
        }
        scheme = streams()
        plates: dict[str, list[str]] = {s.code: [] for s in scheme}
        for plate, stream in (
            Vehicle.objects.filter(status=FacilityStatus.IN_USE, closed_on__isnull=True)
            .order_by("pk")
            .values_list("plate", "stream")
        ):
            if stream in plates:
                plates[stream].append(plate)
        offset = timezone.localtime().utcoffset() or datetime.timedelta()
        return cls(
            sources=tuple(sources),
            streams=tuple(s.code for s in scheme),
            shares={s.code: share_of.get(s.category, 0.05) for s in scheme},
            plates={k: tuple(v) for k, v in plates.items()},
            utc_offset_minutes=int(offset.total_seconds() // 60),
            first_day=end - datetime.timedelta(days=days - 1),
            days=days,
        )


class Generator:
    """Batch `i` of the year, deterministically."""

    def __init__(self, spec: Spec, *, seed: int = SEED, size: int = BATCH, trips: bool = False):
        self.spec, self.seed, self.size, self.trips = spec, seed, size, trips
        self.per_day = len(spec.sources) * len(spec.streams)
        self.total = self.per_day * spec.days
        self.batches = math.ceil(self.total / size)
        sign = "+" if spec.utc_offset_minutes >= 0 else "-"
        hours, minutes = divmod(abs(spec.utc_offset_minutes), 60)
        self.zone = f"{sign}{hours:02d}:{minutes:02d}"
        # neighbouring sources share a vehicle: source n of stream s rides vehicle n // per
        self.per_vehicle = {
            s: math.ceil(len(spec.sources) / len(p)) if p else 0 for s, p in spec.plates.items()
        }

    def batch(self, i: int) -> list[dict]:
        spec, rng = self.spec, random.Random(self.seed * 1_000_003 + i)
        n_streams = len(spec.streams)
        records = []
        start, stop = i * self.size, min((i + 1) * self.size, self.total)
        day_index = -1
        for g in range(start, stop):
            d, within = divmod(g, self.per_day)
            if d != day_index:
                day_index = d
                day = spec.first_day + datetime.timedelta(days=d)
                stamp = day.strftime("%Y%m%d")
                iso = day.isoformat()
            n, k = divmod(within, n_streams)
            prefix, pk, base = spec.sources[n]
            stream = spec.streams[k]
            minute = 360 + (n * 7 + k * 131) % 840
            kg = base * spec.shares[stream] * rng.uniform(0.8, 1.2)
            record = {
                "client_id": f"{stamp}-{prefix}{pk}-{stream}",
                "occurred_at": f"{iso}T{minute // 60:02d}:{minute % 60:02d}:00{self.zone}",
                ("site" if prefix == "s" else "area"): pk,
                "stream": stream,
                "weight_kg": f"{max(kg, 0.5):.2f}",
            }
            plates = spec.plates.get(stream)
            if plates:
                v = (n // self.per_vehicle[stream]) % len(plates)
                record["vehicle"] = plates[v]
                if self.trips:
                    record["trip"] = f"{stamp}-{stream}-{v}"
                    record["seq"] = n % self.per_vehicle[stream]
            if k < 2:  # the hauler grades the wet and the dry stream
                r = rng.random()
                record["grade"] = "poor" if r < 0.04 else "fair" if r < 0.2 else "good"
            records.append(record)
        return records

    def body(self, i: int) -> bytes:
        """Batch `i` as the request body a device sends."""
        return json.dumps({"records": self.batch(i)}, ensure_ascii=False, separators=(",", ":")).encode()


def write_batches(gen: Generator, out: Path) -> dict:
    """Write every batch as out/batch-00000.json …; returns counts, bytes and seconds."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    size = 0
    for i in range(gen.batches):
        body = gen.body(i)
        (out / f"batch-{i:05d}.json").write_bytes(body)
        size += len(body)
    return {
        "records": gen.total,
        "batches": gen.batches,
        "bytes": size,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv=None) -> int:
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.collection_data")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--size", type=int, default=BATCH)
    parser.add_argument("--trips", action="store_true")
    parser.add_argument("--within", default="", help="an area path: only the sources under it")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    spec = Spec.load(days=args.days, within=args.within)
    gen = Generator(spec, seed=args.seed, size=args.size, trips=args.trips)
    print(json.dumps(write_batches(gen, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
