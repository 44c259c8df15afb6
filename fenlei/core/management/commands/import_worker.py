"""fenlei import_worker [--once] [--poll SECONDS]: check and write the waiting Excel imports.

Run it (under systemd or the like) when FENLEI_IMPORT_RUNNER=worker. Any number may run: each job is
claimed by one of them. On start-up and every minute it marks interrupted the jobs whose runner died
and cancels files left unconfirmed for FENLEI_IMPORT_KEEP_DAYS.
"""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from fenlei.core import imports

SWEEP_SECONDS = 60


class Command(BaseCommand):
    help = "Check and write the Excel imports waiting in the queue (for FENLEI_IMPORT_RUNNER=worker)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run the waiting jobs, then exit")
        parser.add_argument(
            "--poll", type=float, default=2.0, help="seconds between looks at the queue (default 2)"
        )

    def handle(self, *args, once, poll, **options):
        self.stopping = False

        def stop(signum, frame):
            self.stopping = True  # finish the job at hand, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        done, last_sweep = 0, 0.0
        while not self.stopping:
            if time.monotonic() - last_sweep >= SWEEP_SECONDS:
                interrupted = imports.recover()
                expired = imports.purge()
                if interrupted or expired:
                    self.stdout.write(f"interrupted {interrupted} job(s) of dead runners, expired {expired}")
                last_sweep = time.monotonic()
            if not connection.in_atomic_block:  # (a test runs the command inside its transaction)
                close_old_connections()  # a connection the database dropped while the worker slept
            if imports.run_one():
                done += 1
                continue
            if once:
                break
            time.sleep(poll)
        self.stdout.write(f"import worker: {done} job(s) run")
