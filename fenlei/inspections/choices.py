"""The fixed vocabularies of inspections and rectification, and the order's state machine."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetType(models.TextChoices):
    """What an inspection looks at."""

    SITE = "site", pgettext_lazy("inspection target", "site")
    DROPOFF = "dropoff", pgettext_lazy("inspection target", "drop-off point")
    VEHICLE = "vehicle", pgettext_lazy("inspection target", "collection vehicle")


class Concern(models.TextChoices):
    """The area of concern a checklist item belongs to."""

    PUBLICITY = "publicity", pgettext_lazy("concern", "publicity")  # 宣传
    FACILITIES = "facilities", pgettext_lazy("concern", "facilities")  # 设施
    SIGNAGE = "signage", pgettext_lazy("concern", "signage")  # 标识
    LEDGERS = "ledgers", pgettext_lazy("concern", "ledgers")  # 台账
    DEMONSTRATION = "demonstration", pgettext_lazy("concern", "demonstration")  # 示范
    SORTING = "sorting", pgettext_lazy("concern", "sorting results")  # 分类效果
    COLLECTION = "collection", pgettext_lazy("concern", "collection and transport")  # 收运
    SUPERVISION = "supervision", pgettext_lazy("concern", "on-site supervision")  # 督导


class Severity(models.TextChoices):
    MINOR = "minor", pgettext_lazy("severity", "minor")
    MAJOR = "major", pgettext_lazy("severity", "major")
    CRITICAL = "critical", pgettext_lazy("severity", "critical")


class Scoring(models.TextChoices):
    """How a checklist's score is computed."""

    POINTS = "points", _("points earned out of the applicable items' points")
    DEDUCTION = "deduction", _("100 less the deductions of the failed items")


class Result(models.TextChoices):
    PASS = "pass", pgettext_lazy("checklist result", "pass")
    FAIL = "fail", pgettext_lazy("checklist result", "problem")
    NA = "na", pgettext_lazy("checklist result", "not applicable")


class Responsible(models.TextChoices):
    """Who answers for a problem: the unit a rectification order is addressed to."""

    SITE = "site", pgettext_lazy("responsible", "the site (property or unit)")
    COMMUNITY = "community", pgettext_lazy("responsible", "the community")
    STREET = "street", pgettext_lazy("responsible", "the street")
    HAULER = "hauler", pgettext_lazy("responsible", "the hauler")
    AUTHORITY = "authority", pgettext_lazy("responsible", "the industry authority")


class OrderState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("order state", "to rectify")  # 待整改
    IN_PROGRESS = "in_progress", pgettext_lazy("order state", "being rectified")  # 整改中
    SUBMITTED = "submitted", pgettext_lazy("order state", "rectified, awaiting verification")  # 已整改待复核
    CLOSED = "closed", pgettext_lazy("order state", "closed")  # 已销号
    RETURNED = "returned", pgettext_lazy("order state", "returned")  # 退回
    OVERDUE = "overdue", pgettext_lazy("order state", "overdue")  # 逾期


class Phase(models.TextChoices):
    """The type of a state: open (the unit owes a fix), fixed (awaiting verification) or closed."""

    OPEN = "open", pgettext_lazy("order phase", "open")
    FIXED = "fixed", pgettext_lazy("order phase", "fixed")
    CLOSED = "closed", pgettext_lazy("order phase", "closed")


PHASE: dict[str, str] = {
    OrderState.PENDING: Phase.OPEN,
    OrderState.IN_PROGRESS: Phase.OPEN,
    OrderState.RETURNED: Phase.OPEN,
    OrderState.OVERDUE: Phase.OPEN,
    OrderState.SUBMITTED: Phase.FIXED,
    OrderState.CLOSED: Phase.CLOSED,
}
OPEN_STATES = frozenset(s for s, p in PHASE.items() if p == Phase.OPEN)


class Step(models.TextChoices):
    """A step in an order's life: each is a row (RectificationEvent)."""

    ISSUE = "issue", pgettext_lazy("order step", "issued")
    START = "start", pgettext_lazy("order step", "work started")
    ANSWER = "answer", pgettext_lazy("order step", "rectified (answered)")
    VERIFY = "verify", pgettext_lazy("order step", "verified and closed")
    RETURN = "return", pgettext_lazy("order step", "returned")
    REROUTE = "reroute", pgettext_lazy("order step", "re-routed")
    OVERDUE = "overdue", pgettext_lazy("order step", "went overdue")
    ESCALATE = "escalate", pgettext_lazy("order step", "escalated")


class Capacity(models.TextChoices):
    """In which capacity a person takes a step."""

    RESPONSIBLE = "responsible", _("the responsible unit")
    VERIFIER = "verifier", _("the inspector or the level above")
    SYSTEM = "system", _("the system (deadlines)")


#: The transitions, written once: step -> (states it may start from, state it leads to, who takes it).
#: A re-route and an escalation keep or reset the state as listed; `services.transition` enforces this.
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    Step.START: (
        frozenset({OrderState.PENDING, OrderState.RETURNED, OrderState.OVERDUE}),
        OrderState.IN_PROGRESS,
        Capacity.RESPONSIBLE,
    ),
    Step.ANSWER: (frozenset(OPEN_STATES), OrderState.SUBMITTED, Capacity.RESPONSIBLE),
    Step.VERIFY: (frozenset({OrderState.SUBMITTED}), OrderState.CLOSED, Capacity.VERIFIER),
    Step.RETURN: (frozenset({OrderState.SUBMITTED}), OrderState.RETURNED, Capacity.VERIFIER),
    Step.REROUTE: (frozenset(OPEN_STATES), OrderState.PENDING, Capacity.VERIFIER),
    Step.OVERDUE: (
        frozenset({OrderState.PENDING, OrderState.IN_PROGRESS, OrderState.RETURNED}),
        OrderState.OVERDUE,
        Capacity.SYSTEM,
    ),
    Step.ESCALATE: (frozenset({OrderState.OVERDUE}), OrderState.OVERDUE, Capacity.SYSTEM),
}


class Escalation(models.IntegerChoices):
    """How far up an overdue order has gone (督办)."""

    NONE = 0, pgettext_lazy("escalation", "not escalated")
    STREET = 1, pgettext_lazy("escalation", "escalated to the street")
    DISTRICT = 2, pgettext_lazy("escalation", "escalated to the district")
