"""fenlei import_xlsx LEDGER FILE --user NAME [--commit]: the Excel import from the command line."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fenlei.core.importexport import ImportFileError
from fenlei.core.imports import ledgers


class Command(BaseCommand):
    help = "Check (and with --commit, write) an Excel file into a ledger, as the given user."

    def add_arguments(self, parser):
        parser.add_argument("ledger", help="which ledger: " + ", ".join(sorted(ledgers())))
        parser.add_argument("file")
        parser.add_argument(
            "--user", required=True, help="the username the import acts as (its scope applies)"
        )
        parser.add_argument("--commit", action="store_true", help="write the file if every row is valid")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, ledger, file, user, commit, **options):
        known = ledgers()
        if ledger not in known:
            raise CommandError(f"unknown ledger {ledger!r}; known: {', '.join(sorted(known))}")
        try:
            actor = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no active user {user!r}") from None
        led = known[ledger]()
        try:
            with open(file, "rb") as fh:
                plan = led.plan(fh, actor)
        except FileNotFoundError:
            raise CommandError(f"no such file: {file}") from None
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        result = {"summary": plan.summary(), "errors": [e.as_dict() for e in plan.errors], "written": False}
        if plan.ok and commit:
            led.commit(plan, actor)
            result["written"] = True
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            for e in plan.errors:
                self.stdout.write(f"row {e.row} · {e.column} · {e.value!r}: {e.reason}")
            self.stdout.write(
                " ".join(f"{k}={v}" for k, v in result["summary"].items())
                + (" · written" if result["written"] else " · nothing written")
            )
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} problem(s): nothing written")
