"""What every page's shell needs: the navigation this user may use, the district's name."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fenlei.core.roles import Action


def _nav(user):
    if not user.is_authenticated:
        return []
    from fenlei.accounts.models import RoleAssignment
    from fenlei.core.models import AuditEntry
    from fenlei.core.scoping import can_anywhere
    from fenlei.org.models import Area, Authority, Hauler, Site
    from fenlei.taxonomy.models import Category

    items = [("home", _("Home"), reverse("core:home"))]
    if can_anywhere(user, Action.VIEW, Area):
        items.append(("areas", _("Areas"), reverse("org:area-list")))
    if can_anywhere(user, Action.VIEW, Site):
        items.append(("sites", _("Sites"), reverse("org:site-list")))
    if can_anywhere(user, Action.VIEW, Authority):
        items.append(("authorities", _("Authorities"), reverse("org:authority-list")))
    if can_anywhere(user, Action.VIEW, Hauler):
        items.append(("haulers", _("Hauliers"), reverse("org:hauler-list")))
    from fenlei.facilities.models import DropOffPoint, Vehicle
    from fenlei.publicity.models import Activity

    if can_anywhere(user, Action.VIEW, DropOffPoint) or can_anywhere(user, Action.VIEW, Vehicle):
        items.append(("facilities", _("Facilities"), reverse("facilities:index")))
    from fenlei.people.models import Volunteer

    if can_anywhere(user, Action.VIEW, Volunteer):
        items.append(("people", _("People"), reverse("people:index")))
    if can_anywhere(user, Action.VIEW, Activity):
        items.append(("publicity", _("Publicity"), reverse("publicity:activity-list")))
    from fenlei.units.models import InstitutionRecord, RestaurantRecord

    if can_anywhere(user, Action.VIEW, InstitutionRecord) or can_anywhere(
        user, Action.VIEW, RestaurantRecord
    ):
        items.append(("units", _("Units"), reverse("units:index")))
    from fenlei.collection.models import Alarm, Record, Trip

    if any(can_anywhere(user, Action.VIEW, m) for m in (Record, Trip, Alarm)):
        items.append(("collection", pgettext_lazy("main menu", "Collection"), reverse("collection:index")))
    from fenlei.inspections.models import Inspection, RectificationOrder

    if can_anywhere(user, Action.VIEW, Inspection) or can_anywhere(user, Action.VIEW, RectificationOrder):
        items.append(
            ("inspections", pgettext_lazy("main menu", "Inspections"), reverse("inspections:order-list"))
        )
    from fenlei.campaign.models import Campaign

    if can_anywhere(user, Action.VIEW, Campaign):
        items.append(("campaign", _("Campaign"), reverse("campaign:index")))
    from fenlei.public.models import ResidentReport

    if can_anywhere(user, Action.VIEW, ResidentReport):
        items.append(("residents", _("Residents"), reverse("residents:index")))
    if can_anywhere(user, Action.VIEW, Category):
        items.append(("taxonomy", _("Categories"), reverse("taxonomy:index")))
    if can_anywhere(user, Action.MANAGE, RoleAssignment):
        items.append(("users", _("Users"), reverse("accounts:user-list")))
    if _may_import(user):
        items.append(("imports", _("My imports"), reverse("core:import-jobs")))
    if can_anywhere(user, Action.AUDIT, AuditEntry):
        items.append(("audit", _("Audit log"), reverse("core:audit-list")))
    return items


def _may_import(user) -> bool:
    """Whether any of the user's roles imports into some ledger (no query: the assignments are cached)."""
    from fenlei.core.roles import ROLE_ACTIONS
    from fenlei.core.scoping import _assignments

    if user.is_superuser:
        return True
    roles = {a.role for a in _assignments(user)}
    return any(Action.IMPORT in actions for role in roles for actions in ROLE_ACTIONS.get(role, {}).values())


def _unread(user) -> int:
    """The number of unread notifications in the user's inbox (one query)."""
    from fenlei.core.notify import unread_count

    return unread_count(user)


def shell(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": _nav(user) if user is not None else [],
        "district_name": settings.FENLEI_DISTRICT_NAME,
        "inbox_unread": _unread(user) if user is not None and user.is_authenticated else 0,
    }
