"""fenlei rebuild_rollups: recompute every collection total from the records."""

import time

from django.core.management.base import BaseCommand

from fenlei.collection import rollups


class Command(BaseCommand):
    help = (
        "Recompute the collection totals (areas, sites, hauliers × stream × day and month) from the records."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        written = rollups.rebuild()
        rows = ", ".join(f"{table} {count}" for table, count in written.items())
        self.stdout.write(f"rebuilt in {time.perf_counter() - started:.1f} s: {rows}")
