"""The campaign's fixed vocabularies: phases, levels, how a requirement is judged, evidence and
demonstration-site states, and the demonstration site's steps with the capacity each needs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PhaseCode(models.TextChoices):
    MOBILISE = "mobilise", _("Mobilisation and deployment")  # 动员部署
    IMPLEMENT = "implement", _("Organisation and implementation")  # 组织实施
    ASSESS = "assess", _("Assessment and acceptance")  # 考核验收


class Level(models.IntegerChoices):
    """The level of the unit a requirement applies to (the same numbers as org.choices.AreaLevel)."""

    STREET = 2, _("Street / town")
    COMMUNITY = 3, _("Community / village")


class Method(models.TextChoices):
    RULE = "rule", _("Computed from the records")
    EVIDENCE = "evidence", _("Evidence verified by the level above")


class ItemState(models.TextChoices):
    """Where one requirement stands for one unit."""

    MET = "met", _("Met")
    UNMET = "unmet", _("Not met")
    #: evidence-based: nothing submitted yet (or withdrawn)
    MISSING = "missing", _("No evidence yet")
    SUBMITTED = "submitted", _("Evidence awaiting verification")
    RETURNED = "returned", _("Evidence returned")


class EvidenceState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")


class DemoKind(models.TextChoices):
    """The three kinds of demonstration site (示范点) each street and community needs."""

    MANAGED = "managed", _("Managed residential estate")  # 物业小区
    OPEN = "open", _("Open residential compound")  # 开放小区（无物业）
    OFFICE = "office", _("Office or government building")  # 写字楼/机关大楼


#: The site kinds (org.SiteKind codes) a demonstration site of each kind may be.
DEMO_SITE_KINDS: dict[str, tuple[str, ...]] = {
    DemoKind.MANAGED: ("managed-estate",),
    DemoKind.OPEN: ("open-estate", "village-group"),
    DemoKind.OFFICE: ("office-building", "government", "public-institution"),
}


def demo_kind_of(site_kind_code: str) -> str | None:
    return next((k for k, codes in DEMO_SITE_KINDS.items() if site_kind_code in codes), None)


class DemoState(models.TextChoices):
    APPLIED = "applied", _("Applied, awaiting the street's review")  # 已申报
    RETURNED = "returned", _("Returned by the street")  # 街道退回
    REVIEWED = "reviewed", _("Awaiting the district's acceptance")  # 待区验收
    FAILED = "failed", _("Failed the acceptance")  # 验收未通过
    ACCEPTED = "accepted", _("Accepted, awaiting naming")  # 验收通过，待授牌
    NAMED = "named", _("Named")  # 已授牌
    REVOKED = "revoked", _("Revoked")  # 已撤销


#: The states in which a site holds (or is on its way to) a demonstration title: one at a time.
DEMO_LIVE = (DemoState.APPLIED, DemoState.REVIEWED, DemoState.ACCEPTED, DemoState.NAMED, DemoState.RETURNED)


class DemoStep(models.TextChoices):
    APPLY = "apply", _("Apply")  # 申报
    RESUBMIT = "resubmit", _("Resubmit")  # 重新申报
    REVIEW = "review", _("Pass the preliminary review")  # 初审通过
    RETURN = "return", _("Return")  # 退回
    ACCEPT = "accept", _("Acceptance inspection")  # 验收
    NAME = "name", _("Name (award the plaque)")  # 授牌
    RECHECK = "recheck", _("Re-check")  # 复查
    REVOKE = "revoke", _("Revoke")  # 撤销


class Capacity(models.TextChoices):
    """In what capacity a user takes a demonstration-site step or verifies evidence."""

    COMMUNITY = "community", _("the community")
    STREET = "street", _("the street")
    DISTRICT = "district", _("the district office")


#: step -> (the states it starts from, the state it leads to (None: decided by the score), capacity).
DEMO_TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None, str]] = {
    DemoStep.APPLY: ((), DemoState.APPLIED, Capacity.COMMUNITY),
    DemoStep.RESUBMIT: ((DemoState.RETURNED, DemoState.FAILED), DemoState.APPLIED, Capacity.COMMUNITY),
    DemoStep.REVIEW: ((DemoState.APPLIED,), DemoState.REVIEWED, Capacity.STREET),
    DemoStep.RETURN: ((DemoState.APPLIED,), DemoState.RETURNED, Capacity.STREET),
    DemoStep.ACCEPT: ((DemoState.REVIEWED,), None, Capacity.DISTRICT),
    DemoStep.NAME: ((DemoState.ACCEPTED,), DemoState.NAMED, Capacity.DISTRICT),
    DemoStep.RECHECK: ((DemoState.NAMED,), None, Capacity.DISTRICT),
    DemoStep.REVOKE: ((DemoState.NAMED, DemoState.ACCEPTED), DemoState.REVOKED, Capacity.DISTRICT),
}

#: Steps that must give a reason.
DEMO_REASON_REQUIRED = frozenset({DemoStep.RETURN, DemoStep.REVOKE})
#: Steps that carry a scoring sheet (an inspection of the site against its checklist).
DEMO_SCORED = frozenset({DemoStep.ACCEPT, DemoStep.RECHECK})
