"""The one scoping function.

`for_user(user, action, queryset)` turns a user's role assignments into a filter on any scoped
queryset. Every read path — HTML lists and details, the API, exports, reports, import look-ups —
goes through it. Outside the scope is 404; a role without the action is 403 (`require`).

A scoped model declares how each kind of target reaches its rows with a `Scope` on the class:

    class Site(ScopedModel):
        scope = Scope(area="area_path", site="pk", authority="authority_id")

A target kind the model does not name grants nothing on that model.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import CharField, F, Func, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.http import Http404

from fenlei.core.roles import ROLE_TARGET, TargetKind, role_allows


@dataclass(frozen=True)
class Scope:
    """How the targets of role assignments reach the rows of a model (field names or None)."""

    area: str | None = None
    site: str | None = None
    authority: str | None = None
    hauler: str | None = None
    #: Reference data (categories, site kinds): every role may view all of it; only roles held over
    #: the district (or the city) may take other actions on it.
    reference: bool = False
    #: Rows placed at an area above the assignment (an authority or hauler registered with the
    #: district) are *viewable* from the streets and communities below it.
    visible_from_below: bool = False
    #: The field naming the user a row belongs to (an import job): that user may take every action on
    #: it, whatever their roles; others reach it through their roles like any other row.
    owner: str | None = None

    def field_for(self, kind: str) -> str | None:
        return getattr(self, kind)


def subtree_q(field: str, path: str, *, whole_tree: bool = False) -> Q:
    """Rows whose materialized path `field` lies in the subtree rooted at `path` (itself included).

    PostgreSQL answers `LIKE 'p%'` from a varchar_pattern_ops index; SQLite only uses an index for a
    range, so the same filter is written as `path >= p AND path < p'` where p' ends in the next
    character after the separator.

    `whole_tree`: `path` is a root, whose subtree holds (nearly) every row. Looking each of them up
    through the path index costs more than reading the table (or a list's covering index) in order,
    so on SQLite the range is kept out of the index choice (a unary `+`, which changes nothing else).
    SQLite also bounds an index range by the *first* of two ranges on one column: a root's range
    would otherwise hide a narrower filter (a street) placed after it.
    """
    if connection.vendor == "sqlite":
        upper = path[:-1] + chr(ord(path[-1]) + 1)
        if whole_tree:
            column = Func(F(field), template="+%(expressions)s", output_field=CharField())
            return Q(GreaterThanOrEqual(column, path), LessThan(column, upper))
        return Q(**{f"{field}__gte": path, f"{field}__lt": upper})
    return Q(**{f"{field}__startswith": path})


def _assignments(user):
    cached = getattr(user, "_fenlei_assignments", None)
    if cached is None:
        cached = list(
            user.role_assignments.filter(active=True).select_related("area", "site", "authority", "hauler")
        )
        user._fenlei_assignments = cached
    return cached


def clear_cache(user) -> None:
    """Forget the assignments cached on `user` (after they change)."""
    if hasattr(user, "_fenlei_assignments"):
        del user._fenlei_assignments


def _target_q(assignment, spec: Scope, action: str) -> Q | None:
    kind = ROLE_TARGET[assignment.role]
    if spec.reference:
        if action == "view":
            return Q()
        area = assignment.area if kind == TargetKind.AREA else None
        # held over a district or the city (org's AreaLevel 0 and 1), whatever the tree's root is
        return Q() if area is not None and area.level <= 1 and area.closed_on is None else None
    field = spec.field_for(kind)
    if field is None:
        return None
    if kind == TargetKind.AREA:
        if assignment.area is None or assignment.area.closed_on is not None:
            return None
        q = subtree_q(field, assignment.area.path, whole_tree=assignment.area.parent_id is None)
        if spec.visible_from_below and action == "view":
            path = assignment.area.path
            ancestors = [path[: i + 1] for i, ch in enumerate(path[:-1]) if ch == "."]
            q |= Q(**{f"{field}__in": ancestors})
        return q
    target_id = getattr(assignment, f"{kind}_id")
    return Q(**{field: target_id}) if target_id is not None else None


def scope_q(user, action: str, model: type[models.Model]) -> Q | None:
    """The filter that gives `user` the rows of `model` on which it may take `action`.

    None means "nothing"; an empty Q means "everything".
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    spec: Scope | None = getattr(model, "scope", None)
    if spec is None:
        raise TypeError(f"{model.__name__} declares no scope and cannot be read through for_user()")
    label = model._meta.label_lower
    combined: Q | None = Q(**{spec.owner: user.pk}) if spec.owner else None
    for assignment in _assignments(user):
        if not role_allows(assignment.role, action, label):
            continue
        q = _target_q(assignment, spec, action)
        if q is None:
            continue
        if not q:  # an unrestricted grant covers everything
            return Q()
        combined = q if combined is None else combined | q
    return combined


def for_user(user, action: str, queryset: models.QuerySet | type[models.Model]) -> models.QuerySet:
    """`queryset` narrowed to the rows on which `user` may take `action`."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    q = scope_q(user, action, queryset.model)
    if q is None:
        return queryset.none()
    return queryset.filter(q) if q else queryset


def can(user, action: str, obj: models.Model) -> bool:
    """Whether `user` may take `action` on the one object `obj`."""
    return for_user(user, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_anywhere(user, action: str, model: type[models.Model]) -> bool:
    """Whether any of `user`'s roles grants `action` on `model` somewhere (for menus and buttons)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    label = model._meta.label_lower
    spec: Scope | None = getattr(model, "scope", None)

    def reaches(assignment) -> bool:  # whether the role's target can reach any row of this model
        return spec is None or spec.reference or spec.field_for(ROLE_TARGET[assignment.role]) is not None

    return any(role_allows(a.role, action, label) and reaches(a) for a in _assignments(user))


def get_for_user(user, action: str, queryset: models.QuerySet | type[models.Model], **lookup):
    """The object matching `lookup` if `user` may see it (404 otherwise) and take `action` on it (403 otherwise)."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        obj = for_user(user, "view", queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if action != "view" and not can(user, action, obj):
        raise PermissionDenied
    return obj


def require(user, action: str, obj: models.Model) -> None:
    """404 if `user` may not see `obj`, 403 if it may see it but not take `action` on it."""
    if not can(user, "view", obj):
        raise Http404
    if action != "view" and not can(user, action, obj):
        raise PermissionDenied


def placeable_areas(user, action: str, model: type[models.Model], areas: models.QuerySet) -> models.QuerySet:
    """The areas of `areas` in which `user` may take `action` on rows of `model` placed there.

    Used to offer where a new row may go (a site's community, a ledger entry's area): only
    area-held roles place rows; roles held over a site, an authority or a hauler never do.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return areas.none()
    if user.is_superuser:
        return areas
    label = model._meta.label_lower
    combined: Q | None = None
    for assignment in _assignments(user):
        if ROLE_TARGET[assignment.role] != TargetKind.AREA or not role_allows(assignment.role, action, label):
            continue
        if assignment.area is None or assignment.area.closed_on is not None:
            continue
        q = subtree_q("path", assignment.area.path)
        combined = q if combined is None else combined | q
    return areas.filter(combined) if combined is not None else areas.none()
