"""fenlei areas add|move|close|reopen|show — the area tree from the command line (audited as cli)."""

from django.core.management.base import CommandError

from fenlei.core.cli import ChangeCommand
from fenlei.org import services
from fenlei.org.choices import AreaKind
from fenlei.org.models import Area


def find_area(ref: str) -> Area:
    """An area by id, by path ("0001.0002."), or by its names from the top ("东湖区/甲街道")."""
    try:
        if ref.isdigit():
            return Area.objects.get(pk=int(ref))
        if ref[0].isdigit() and ref.endswith("."):
            return Area.objects.get(path=ref)
        area = None
        for name in ref.strip("/").split("/"):
            area = Area.objects.get(parent=area, name=name)
        return area
    except Area.DoesNotExist:
        raise CommandError(f"no area {ref!r}") from None


class Command(ChangeCommand):
    help = "Add, move, close or reopen areas; show a subtree."

    def add_subcommands(self, sub):
        p = sub.add_parser("add", help="add an area")
        p.add_argument("name")
        p.add_argument("--kind", required=True, choices=AreaKind.values)
        p.add_argument("--parent", help="the parent area (id, path or 区/街道 names); none for a root")
        p.add_argument("--code", default="")
        p.add_argument("--households", type=int, default=0)
        p.add_argument("--population", type=int, default=0)
        p.add_argument("--rural", action="store_true")
        p = sub.add_parser("move", help="place an area under another parent")
        p.add_argument("area")
        p.add_argument("--to", required=True)
        p.add_argument("--note", default="")
        p = sub.add_parser("close", help="close an area")
        p.add_argument("area")
        p.add_argument("--note", default="")
        p = sub.add_parser("reopen", help="reopen a closed area")
        p.add_argument("area")
        p.add_argument("--note", default="")
        p = sub.add_parser("show", help="print an area and its children")
        p.add_argument("area", nargs="?")

    def do_add(self, *, by, name, kind, parent, code, households, population, rural, **_):
        area = Area(
            name=name,
            kind=kind,
            parent=find_area(parent) if parent else None,
            code=code,
            households=households,
            population=population,
            rural=rural,
        )
        services.area_create(area=area, by=by)
        self.stdout.write(f"added {area.pk} {area.path} {area.name}")

    def do_move(self, *, by, area, to, note, **_):
        moved = services.area_move(area=find_area(area), new_parent=find_area(to), by=by, note=note)
        self.stdout.write(f"moved {moved.name} to {moved.path}")

    def do_close(self, *, by, area, note, **_):
        closed = services.area_close(area=find_area(area), by=by, note=note)
        self.stdout.write(f"closed {closed.name} on {closed.closed_on}")

    def do_reopen(self, *, by, area, note, **_):
        services.area_reopen(area=find_area(area), by=by, note=note)
        self.stdout.write("reopened")

    def do_show(self, *, by, area, **_):
        roots = [find_area(area)] if area else list(Area.objects.filter(parent__isnull=True))
        for root in roots:
            self.stdout.write(f"{root.pk:>6} {root.path} {root.name} ({root.get_kind_display()})")
            for child in root.children.order_by("path"):
                closed = f" closed {child.closed_on}" if child.closed_on else ""
                self.stdout.write(
                    f"{child.pk:>6}   {child.path} {child.name} ({child.get_kind_display()}){closed}"
                )
