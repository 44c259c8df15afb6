"""Writes to the structure: create, update, close, reopen and move, each validated and audited."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from fenlei.core import audit, services
from fenlei.core.models import AuditAction
from fenlei.core.scoping import subtree_q
from fenlei.org import signals
from fenlei.org.choices import PATH_SEGMENT, PATH_SEP
from fenlei.org.models import Area, Authority, Hauler, Site
from fenlei.org.placed import PlacedModel


def _next_path(parent: Area | None) -> str:
    siblings = Area.objects.filter(parent=parent) if parent else Area.objects.filter(parent__isnull=True)
    prefix = parent.path if parent else ""
    last = siblings.aggregate(m=Max("path"))["m"]
    number = int(last[len(prefix) : len(prefix) + PATH_SEGMENT]) + 1 if last else 1
    if number >= 10**PATH_SEGMENT:
        raise ValidationError(_("This area already holds the largest number of children it can."))
    return f"{prefix}{number:0{PATH_SEGMENT}d}{PATH_SEP}"


def _place(area: Area) -> None:
    area.path = _next_path(area.parent)
    area.depth = area.path.count(PATH_SEP) - 1


@transaction.atomic
def area_create(*, area: Area, by) -> Area:
    """Add an area under its parent (or as a root), giving it the next free path."""
    area.full_clean(exclude=["path", "depth"])
    if area.parent_id:
        Area.objects.select_for_update().filter(pk=area.parent_id).get()  # serialise sibling numbering
    _place(area)
    return services.create(area, by=by)


def area_update(*, area: Area, by, data: dict | None = None) -> Area:
    """Change an area's own facts; its place in the tree changes only through `area_move`."""
    if data and ("parent" in data or "parent_id" in data):
        raise ValidationError({"parent": _("Use “move” to place an area under another parent.")})
    return services.update(area, by=by, data=data)


@transaction.atomic
def area_close(*, area: Area, by, on: datetime.date | None = None, note: str = "") -> Area:
    """Close an area. Its open children and sites must be closed or moved first."""
    if area.children.filter(closed_on__isnull=True).exists():
        raise ValidationError(
            _("“{area}” still has open areas under it: close or move them first.").format(area=area)
        )
    if area.is_community and area.sites.filter(closed_on__isnull=True).exists():
        raise ValidationError(_("“{area}” still has open sites: close or move them first.").format(area=area))
    return services.close(area, by=by, on=on, note=note)


def area_reopen(*, area: Area, by, note: str = "") -> Area:
    if area.parent_id and area.parent.closed_on is not None:
        raise ValidationError(_("Reopen “{parent}” first.").format(parent=area.parent))
    return services.reopen(area, by=by, note=note)


def scoped_models() -> list[type]:
    """Every model that carries an area path (ledgers, role assignments, the audit log …)."""
    return [m for m in apps.get_models() if any(f.name == "area_path" for f in m._meta.concrete_fields)]


def _follow_site(site: Site) -> int:
    """Rows attached to a site carry its area path: after the site changes community, they follow."""
    moved = 0
    for model in scoped_models():
        field = next(
            (f for f in model._meta.concrete_fields if f.name == "site" and f.related_model is Site), None
        )
        if field is not None:
            follows = {"area_path": site.area_path}
            if issubclass(model, PlacedModel) or getattr(model, "area_follows_site", False):
                follows["area"] = site.community_id  # a row placed at the site moves with it
            moved += (
                model._default_manager.filter(site=site).exclude(area_path=site.area_path).update(**follows)
            )
    return moved


def _rewrite(model, field: str, old: str, new: str) -> int:
    """Replace the prefix `old` of `field` by `new` on every row under `old`, in one statement."""
    return model._default_manager.filter(subtree_q(field, old)).update(
        **{field: Concat(Value(new), Substr(F(field), len(old) + 1, Length(F(field))))}
    )


@transaction.atomic
def area_move(*, area: Area, new_parent: Area, by, note: str = "") -> Area:
    """Place `area` under `new_parent`: rewrites the paths of the area, its descendants and every
    scoped row below it, each table in one statement."""
    if new_parent.pk == area.parent_id:
        return area
    if new_parent.path.startswith(area.path):
        raise ValidationError({"parent": _("An area cannot be moved under itself or its own descendants.")})
    if area.kind not in new_parent.child_kinds():
        raise ValidationError(
            {
                "parent": _("A {parent_kind} cannot hold a {kind}.").format(
                    parent_kind=new_parent.get_kind_display(), kind=area.get_kind_display()
                )
            }
        )
    if new_parent.closed_on is not None:
        raise ValidationError({"parent": _("“{parent}” is closed.").format(parent=new_parent)})
    if Area.objects.filter(parent=new_parent, name=area.name).exists():
        raise ValidationError(
            {
                "parent": _("“{parent}” already has an area named “{name}”.").format(
                    parent=new_parent, name=area.name
                )
            }
        )
    Area.objects.select_for_update().filter(pk__in=[area.pk, new_parent.pk]).count()
    old_path, old_parent = area.path, area.parent
    new_path = _next_path(new_parent)
    delta = new_path.count(PATH_SEP) - old_path.count(PATH_SEP)
    Area.objects.filter(subtree_q("path", old_path)).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1, Length(F("path")))),
        depth=F("depth") + delta,
    )
    Area.objects.filter(pk=area.pk).update(parent=new_parent)
    signals.area_moved.send(
        sender=Area,
        area=area,
        old_parent_path=old_parent.path if old_parent else "",
        new_parent_path=new_parent.path,
    )
    for model in scoped_models():
        _rewrite(model, "area_path", old_path, new_path)
    area.refresh_from_db()
    audit.log(
        area,
        AuditAction.MOVE,
        by=by,
        note=note,
        changes={
            "parent": [old_parent.pk if old_parent else None, new_parent.pk],
            "path": [old_path, new_path],
        },
    )
    return area


# --- sites, authorities, hauliers --------------------------------------------------------------


def site_create(*, site: Site, by) -> Site:
    return services.create(site, by=by)


@transaction.atomic
@transaction.atomic
def site_update(*, site: Site, by, data: dict | None = None) -> Site:
    """Change a site; what is attached to it (role assignments, ledger rows) follows a change of community."""
    old_path = Site.objects.filter(pk=site.pk).values_list("area_path", flat=True).first()
    site = services.update(site, by=by, data=data)
    if old_path is not None and old_path != site.area_path:
        signals.site_moved.send(sender=Site, site=site, old_path=old_path, new_path=site.area_path)
    _follow_site(site)
    return site


def site_close(*, site: Site, by, on: datetime.date | None = None, note: str = "") -> Site:
    return services.close(site, by=by, on=on, note=note)


def site_reopen(*, site: Site, by, note: str = "") -> Site:
    return services.reopen(site, by=by, note=note)


def authority_create(*, authority: Authority, by) -> Authority:
    return services.create(authority, by=by)


def authority_update(*, authority: Authority, by, data: dict | None = None) -> Authority:
    return services.update(authority, by=by, data=data)


@transaction.atomic
def authority_close(
    *, authority: Authority, by, on: datetime.date | None = None, note: str = ""
) -> Authority:
    if authority.sites.filter(closed_on__isnull=True).exists():
        raise ValidationError(
            _("“{authority}” still oversees open sites: assign them to another authority first.").format(
                authority=authority
            )
        )
    return services.close(authority, by=by, on=on, note=note)


def authority_reopen(*, authority: Authority, by, note: str = "") -> Authority:
    return services.reopen(authority, by=by, note=note)


def hauler_create(*, hauler: Hauler, by) -> Hauler:
    return services.create(hauler, by=by)


def hauler_update(*, hauler: Hauler, by, data: dict | None = None) -> Hauler:
    return services.update(hauler, by=by, data=data)


def hauler_close(*, hauler: Hauler, by, on: datetime.date | None = None, note: str = "") -> Hauler:
    return services.close(hauler, by=by, on=on, note=note)


def hauler_reopen(*, hauler: Hauler, by, note: str = "") -> Hauler:
    return services.reopen(hauler, by=by, note=note)
