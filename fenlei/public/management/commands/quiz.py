"""`fenlei quiz generate`: bring the contest's questions made from the dictionary in line with it."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core.audit import using_face
from fenlei.core.models import Face
from fenlei.public import quiz


class Command(BaseCommand):
    help = _(
        "The knowledge contest. generate: make the questions the item dictionary gives (new items get "
        "questions, changed items changed ones, items gone or ambiguous none); running it again changes nothing."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help=gettext_lazy("make the questions from the dictionary"))

    def handle(self, *args, action: str, **options):
        if action == "generate":
            with using_face(Face.CLI):
                done = quiz.generate(by=None)
            self.stdout.write(done.summary())
