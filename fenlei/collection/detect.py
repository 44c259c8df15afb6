"""Detection of the alarms that need more than one write to see (a trend, a gap, a pile-up).

Each detector is a function `(first_day, last_day) -> list[dict]` of Alarm fields (with a `key`),
registered with `@detector(kind)`; `run()` calls them all and raises what they found, idempotently.
`fenlei detect_alarms` runs it (daily, from cron or a timer); the demo seeder runs it once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from fenlei.collection.alarms import raise_alarms

DETECTORS: dict[str, Callable[[datetime.date, datetime.date], list[dict]]] = {}


def detector(kind: str):
    def register(fn):
        DETECTORS[kind] = fn
        return fn

    return register


def _load() -> None:
    """Import the modules that register detectors."""
    import importlib

    for name in ("detect_mixing", "detect_kitchen", "quality"):
        try:
            importlib.import_module(f"fenlei.collection.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"fenlei.collection.{name}":
                raise


def run(first_day: datetime.date, last_day: datetime.date, kinds: list[str] | None = None) -> dict[str, int]:
    """Run the detectors over the days from `first_day` to `last_day`; returns new alarms per kind."""
    _load()
    raised = {}
    for kind, fn in DETECTORS.items():
        if kinds and kind not in kinds:
            continue
        found = fn(first_day, last_day)
        raised[kind] = raise_alarms(found) if found else 0
    return raised
