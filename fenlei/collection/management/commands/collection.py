"""fenlei collection ingest|correct|void|device — collection data from the command line (audited as cli).

`ingest` reads records in the device format (a JSON list, {"records": [...]}, or JSON Lines; `-` for
standard input) and writes them through the same checks and the same service as every other face.
With `--device` the records are the device's (its area, its haulier, its client ids: a file sent
twice counts once); otherwise they are the acting user's (`--by`), placed where that user may add.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import CommandError

from fenlei.collection import services
from fenlei.collection.choices import DeviceKind, EntryFace
from fenlei.collection.models import Device, Record
from fenlei.core.cli import ChangeCommand
from fenlei.core.roles import Action
from fenlei.org.management.commands.areas import find_area
from fenlei.org.models import Hauler


def read_records(path: str) -> list:
    """The records of a JSON list, a {"records": [...]} object, or JSON Lines."""
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8-sig").read()  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    stripped = text.strip()
    if not stripped:
        return []
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as first:
        rows = []
        for number, line in enumerate(stripped.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CommandError(
                    f"{path}: not JSON (line {first.lineno}, column {first.colno}: {first.msg}) "
                    f"nor JSON Lines (line {number}: {exc.msg})"
                ) from None
        return rows
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        return data["records"]
    if isinstance(data, list):
        return data
    raise CommandError(f'{path}: expected a list of records or {{"records": [...]}}')


def find_device(ref: str) -> Device:
    try:
        return Device.objects.get(pk=int(ref)) if ref.isdigit() else Device.objects.get(name=ref)
    except (Device.DoesNotExist, Device.MultipleObjectsReturned):
        raise CommandError(f"no single device {ref!r}") from None


def find_record(ref: str) -> Record:
    try:
        return Record.objects.get(pk=int(ref))
    except (ValueError, Record.DoesNotExist):
        raise CommandError(f"no record {ref!r}") from None


class Command(ChangeCommand):
    help = "Ingest collection records from a file, correct or void a record, manage devices."

    def add_subcommands(self, sub):
        p = sub.add_parser("ingest", help="write records from a JSON / JSON Lines file ('-': stdin)")
        p.add_argument("path")
        p.add_argument("--device", help="the device (id or name) the records come from")
        p = sub.add_parser("correct", help="correct a record: field=value … (the device format's keys)")
        p.add_argument("record")
        p.add_argument("changes", nargs="+", metavar="field=value")
        p.add_argument("--note", required=True, help="why the record is corrected")
        p = sub.add_parser("void", help="take a record out of every total")
        p.add_argument("record")
        p.add_argument("--reason", required=True)
        p = sub.add_parser("device", help="add, rotate the token of, close or list devices")
        p.add_argument("action", choices=("add", "rotate", "close", "list"))
        p.add_argument("device", nargs="?", help="the device (id or name); for add, its name")
        p.add_argument("--kind", choices=DeviceKind.values, default=DeviceKind.WEIGHBRIDGE)
        p.add_argument("--area", help="the district or street it reports for (id, path or names)")
        p.add_argument("--hauler", help="the haulier (id) it belongs to")
        p.add_argument("--note", default="")

    def do_ingest(self, *, by, path, device, **_):
        if not device and by is None:
            raise CommandError("say who the records come from: --device, or --by a user who may add them")
        rows = read_records(path)
        dev = find_device(device) if device else None
        if dev is not None:
            if dev.closed_on is not None:
                raise CommandError(f"the device {dev.name!r} is closed")
            within = [dev.area_path]
        elif by is not None and by.is_superuser:
            within = None
        elif by is not None:
            within = services.writable_paths(by, Action.ADD)
            if not within:
                raise CommandError(f"{by.get_username()} may not add collection records anywhere")
        else:
            raise CommandError("say who the records come from: --device, or --by a user who may add them")
        result = services.ingest(
            rows, face=EntryFace.DEVICE if dev else EntryFace.CLI, by=by, device=dev, within=within
        )
        self.stdout.write(
            f"received {result.received}, kept {result.accepted}, "
            f"already there {len(result.duplicates)}, refused {len(result.rejected)}"
        )
        for reject in result.rejected:
            reasons = "; ".join(f"{field}: {message}" for field, message in reject["errors"].items())
            self.stdout.write(f"  record {reject['index']} {reject['client_id']}: {reasons}")
        if result.rejected:
            raise CommandError(f"{len(result.rejected)} record(s) refused")

    def do_correct(self, *, by, record, changes, note, **_):
        data = {}
        for change in changes:
            field, sep, value = change.partition("=")
            if not sep:
                raise CommandError(f"{change!r}: write field=value")
            data[field.strip()] = value.strip()
        corrected = services.correct(find_record(record), by=by, data=data, note=note)
        self.stdout.write(f"corrected {corrected.pk}: {corrected}")

    def do_void(self, *, by, record, reason, **_):
        voided = services.void(find_record(record), by=by, reason=reason)
        self.stdout.write(f"voided {voided.pk}")

    def do_device(self, *, by, action, device, kind, area, hauler, note, **_):
        if action == "list":
            for d in Device.objects.order_by("area_path", "name"):
                state = f"closed {d.closed_on}" if d.closed_on else f"last seen {d.last_seen_at or '—'}"
                self.stdout.write(f"{d.pk:>5} {d.name} ({d.get_kind_display()}) {d.token_prefix}… {state}")
            return
        if not device:
            raise CommandError(f"device {action}: name the device")
        if action == "add":
            if not area:
                raise CommandError("device add: --area is required")
            try:
                owner = Hauler.objects.get(pk=int(hauler)) if hauler else None
            except (ValueError, Hauler.DoesNotExist):
                raise CommandError(f"no haulier {hauler!r}") from None
            new, token = services.device_create(
                device=Device(name=device, kind=kind, area=find_area(area), hauler=owner), by=by
            )
            self.stdout.write(f"added device {new.pk} {new.name}")
            self.stdout.write(f"token (shown once, keep it secret): {token}")
        elif action == "rotate":
            token = services.device_rotate(device=find_device(device), by=by)
            self.stdout.write(f"new token (shown once; the old one no longer works): {token}")
        else:
            closed = services.device_close(device=find_device(device), by=by, note=note)
            self.stdout.write(f"closed device {closed.pk} on {closed.closed_on}")
