"""Roles and the actions each may take.

A role says *what* a user may do; the target of a role assignment says *where*
(see `fenlei.core.scoping`). The table below is the single place where actions are granted.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District sorting office administrator")
    DISTRICT_LEADER = "district_leader", _("District leader (read-only)")
    STREET_ADMIN = "street_admin", _("Street administrator")
    COMMUNITY_ADMIN = "community_admin", _("Community administrator")
    AUTHORITY = "authority", _("Industry authority")
    INSPECTOR = "inspector", _("Inspector")
    HAULER = "hauler", _("Hauler")
    SITE_MANAGER = "site_manager", _("Site manager")


class Action(models.TextChoices):
    VIEW = "view", _("view")
    ADD = "add", _("add")
    CHANGE = "change", _("change")
    CLOSE = "close", _("close")
    IMPORT = "import", _("import")
    EXPORT = "export", _("export")
    MANAGE = "manage", _("manage users")
    AUDIT = "audit", _("read the audit log")


class TargetKind(models.TextChoices):
    AREA = "area", _("Area")
    SITE = "site", _("Site")
    AUTHORITY = "authority", _("Industry authority")
    HAULER = "hauler", _("Hauler")


#: Which kind of target each role is assigned to.
ROLE_TARGET: dict[str, str] = {
    Role.DISTRICT_ADMIN: TargetKind.AREA,
    Role.DISTRICT_LEADER: TargetKind.AREA,
    Role.STREET_ADMIN: TargetKind.AREA,
    Role.COMMUNITY_ADMIN: TargetKind.AREA,
    Role.INSPECTOR: TargetKind.AREA,
    Role.AUTHORITY: TargetKind.AUTHORITY,
    Role.HAULER: TargetKind.HAULER,
    Role.SITE_MANAGER: TargetKind.SITE,
}

_ALL = frozenset(Action.values)
_READ = frozenset({Action.VIEW, Action.EXPORT})
_KEEP = frozenset({Action.VIEW, Action.ADD, Action.CHANGE, Action.CLOSE, Action.IMPORT, Action.EXPORT})

#: role -> {domain: actions}. A domain is a model label ("org.site"), an app label ("org") or "*".
#: The most specific key wins.
#: Import jobs belong to the user who uploaded the file (`Scope.owner`): only that user acts on one. The
#: district office may look at the jobs placed in its area; no other role reaches another user's job.
_JOBS = "core.importjob"
_NONE: frozenset[str] = frozenset()

#: What only the district office configures in collection: devices and their tokens, the reduction
#: baselines, the expected reports and the validation rules. Streets and communities read them.
_COLLECTION_OFFICE_ONLY = {
    "collection.device": frozenset({Action.VIEW}),
    "collection.baseline": _READ,
    "collection.expectedreport": _READ,
    "collection.validationrule": _READ,
}

#: Inspection checklists and quotas are set by the district office; the others read them.
_INSPECTIONS_OFFICE_ONLY = {
    "inspections.checklisttemplate": _READ,
    "inspections.checklistversion": _READ,
    "inspections.inspectionquota": _READ,
}
#: The district office sets a campaign up (its phases, milestones and checklist) and takes its snapshots;
#: streets and communities read them, keep their own items and submit evidence (who verifies evidence
#: and who takes each demonstration-site step is the office level's: `fenlei.campaign.services`).
_CAMPAIGN_OFFICE_ONLY = {
    "campaign.campaign": _READ,
    "campaign.snapshot": _READ,
    "campaign.unit": _READ,
    "campaign.coverageday": _READ,
}
#: A unit answers the rectification orders addressed to it (the steps it may take are the
#: responsible unit's: `fenlei.inspections.services.capacities`).
_ANSWERS_ORDERS = {"inspections.rectificationorder": frozenset({Action.VIEW, Action.CHANGE, Action.EXPORT})}

ROLE_ACTIONS: dict[str, dict[str, frozenset[str]]] = {
    Role.DISTRICT_ADMIN: {"*": _ALL, _JOBS: frozenset({Action.VIEW})},
    Role.DISTRICT_LEADER: {"*": _READ, _JOBS: _NONE},
    Role.STREET_ADMIN: {
        "*": _KEEP,
        **_COLLECTION_OFFICE_ONLY,
        **_INSPECTIONS_OFFICE_ONLY,
        **_CAMPAIGN_OFFICE_ONLY,
        "org.authority": _READ,
        "org.hauler": _READ,
        "taxonomy": _READ,
        _JOBS: _NONE,
    },
    Role.COMMUNITY_ADMIN: {
        "*": _KEEP,
        **_COLLECTION_OFFICE_ONLY,
        **_INSPECTIONS_OFFICE_ONLY,
        **_CAMPAIGN_OFFICE_ONLY,
        "org.area": frozenset({Action.VIEW, Action.CHANGE, Action.EXPORT}),
        "org.authority": _READ,
        "org.hauler": _READ,
        "taxonomy": _READ,
        _JOBS: _NONE,
    },
    Role.AUTHORITY: {
        "*": _READ,
        "org.authority": frozenset({Action.VIEW}),
        # an authority keeps the sorting ledger of the institutions it answers for
        "units.institutionrecord": frozenset({Action.VIEW, Action.CHANGE, Action.EXPORT}),
        **_ANSWERS_ORDERS,
        _JOBS: _NONE,
    },
    Role.INSPECTOR: {
        "*": frozenset({Action.VIEW}),
        # an inspector inspects, plans its visits and verifies (or returns) the orders it follows
        "inspections": frozenset({Action.VIEW, Action.ADD, Action.CHANGE, Action.EXPORT}),
        "inspections.checklisttemplate": frozenset({Action.VIEW}),
        "inspections.checklistversion": frozenset({Action.VIEW}),
        "inspections.inspectionquota": frozenset({Action.VIEW}),
        _JOBS: _NONE,
    },
    Role.HAULER: {
        "*": frozenset({Action.VIEW}),
        # a haulier reads and exports its own records and trips (its devices write them)
        "collection.record": _READ,
        "collection.trip": _READ,
        **_ANSWERS_ORDERS,
        "org.hauler": frozenset({Action.VIEW, Action.CHANGE}),
        _JOBS: _NONE,
    },
    Role.SITE_MANAGER: {
        "*": frozenset({Action.VIEW}),
        "org.site": frozenset({Action.VIEW, Action.CHANGE}),
        # a unit keeps its own record (an institution's status, a restaurant's contract and commitment)
        "units": frozenset({Action.VIEW, Action.CHANGE}),
        **_ANSWERS_ORDERS,
        _JOBS: _NONE,
    },
}


def role_allows(role: str, action: str, model_label: str) -> bool:
    """Whether `role` may take `action` on models labelled `model_label` ("app.model"), anywhere."""
    table = ROLE_ACTIONS.get(role, {})
    app_label = model_label.split(".", 1)[0]
    for key in (model_label, app_label, "*"):
        if key in table:
            return action in table[key]
    return False
