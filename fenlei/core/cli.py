"""Helpers for management commands that change data: the acting user, the CLI face, errors."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fenlei.core.audit import using_face
from fenlei.core.models import Face


def actor(username: str | None):
    """The user a command acts as (`--by`), or None for the system."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no active user {username!r}") from None


def describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(m for e in errors for m in e.messages)}"
            for field, errors in exc.error_dict.items()
        )
    return " ".join(exc.messages)


class ChangeCommand(BaseCommand):
    """A command with sub-commands whose changes are audited under the CLI face."""

    def add_arguments(self, parser):
        parser.add_argument("--by", help="username recorded as the author of the change in the audit log")
        self.add_subcommands(parser.add_subparsers(dest="subcommand", required=True))

    def add_subcommands(self, subparsers) -> None:
        raise NotImplementedError

    def handle(self, *args, subcommand, **options):
        by = actor(options.pop("by", None))
        handler = getattr(self, "do_" + subcommand.replace("-", "_"))
        try:
            with using_face(Face.CLI):
                handler(by=by, **options)
        except ValidationError as exc:
            raise CommandError(describe(exc)) from None
