"""`fenlei lookup`: which bin an item goes in, for names given or read one per line."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.public.lookup import index, lookup


class Command(BaseCommand):
    help = _(
        "Which bin an item goes in: names given, or one per line from standard input (--stdin); with "
        "--json, one JSON object per line: name, category, confidence, source (dictionary, or model for a "
        "name the dictionary does not hold)."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help=gettext_lazy("item names"))
        parser.add_argument("--stdin", action="store_true", help=gettext_lazy("read one name per line"))
        parser.add_argument("--json", action="store_true", help=gettext_lazy("print JSON lines"))

    def handle(self, *args, names, stdin, json: bool, **options):
        if not names and not stdin:
            raise CommandError(_("Give item names, or --stdin to read them one per line."))
        idx = index()
        source = (line.rstrip("\n") for line in sys.stdin) if stdin else iter(names)
        for name in source:
            if not name.strip():
                continue
            answer = lookup(name, idx)
            if json:
                self.stdout.write(_dumps(answer.as_json()))
            else:
                self.stdout.write(
                    f"{name}\t{answer.category}\t{answer.confidence:.2f}\t{answer.source}\t{answer.item}"
                )


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
