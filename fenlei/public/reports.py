"""Residents' reports of problems (Open311-style): the services every face calls and the reads of
the public form, the status page and the office's queue.

- `submit` files a report from the public form or the API: the place (a community, perhaps a site
  or drop-off point in it), up to three photos checked by core's upload checks, the position the
  phone gave; the sender's limits are counted from the rows it sent. A retried submission (the same
  form key) gives back the report it already made.
- `turn_into_order` issues a rectification order through inspections' service (`issue`), addressed,
  dated and announced like any order; `decline` needs a reason. Both lock the report, refuse a report
  already handled, and write the audit entry in the same transaction.
- `status_of` is what the reporter sees by the link: no staff names, no internal notes.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fenlei.core import attachments, audit, notify, scoping
from fenlei.core.models import AuditAction
from fenlei.core.roles import Action, Role
from fenlei.facilities.choices import FacilityStatus
from fenlei.facilities.models import DropOffPoint
from fenlei.inspections import services as inspections
from fenlei.inspections.choices import PHASE, Concern, Phase, Step, TargetType
from fenlei.inspections.models import ChecklistItem, RectificationOrder
from fenlei.org.choices import AreaLevel, kinds_at
from fenlei.org.models import Area, Site
from fenlei.public import limits
from fenlei.public.choices import ReportKind, ReportState
from fenlei.public.models import ResidentReport

#: At most this many photos with one report (the model's slot holds as many).
MAX_PHOTOS = 3
MAX_DESCRIPTION = 500
MAX_PLACE = 200
MAX_REASON = 300

REPORT_NEW = "public.report_new"
notify.register(
    REPORT_NEW,
    gettext_lazy("New resident's report {number} in {community}: {kind}"),
    labels={"kind": ReportKind},
)

_STREET_KINDS = kinds_at(AreaLevel.STREET)
_COMMUNITY_KINDS = kinds_at(AreaLevel.COMMUNITY)


# --- the places a resident may name --------------------------------------------------------------


def streets():
    """The open streets (and towns) the public form offers, in the tree's order."""
    return Area.objects.open().filter(kind__in=_STREET_KINDS).only("pk", "name", "path").order_by("path")


def communities(street: Area | None = None):
    """The open communities (and villages), of one street or all."""
    qs = Area.objects.open().filter(kind__in=_COMMUNITY_KINDS)
    if street is not None:
        qs = qs.filter(parent=street)
    return qs.only("pk", "name", "path", "parent_id").order_by("path")


def sites_in(community: Area):
    """The open sites of a community (the public pages show their names only)."""
    return Site.objects.filter(community=community, closed_on__isnull=True).order_by("name")


def dropoffs_in(community: Area):
    """The drop-off points in use in a community (the public pages show their names only)."""
    return (
        DropOffPoint.objects.filter(area=community, closed_on__isnull=True)
        .exclude(status=FacilityStatus.OUT_OF_USE)
        .order_by("name")
    )


def public_names(queryset):
    """(id, name) of each row: all a public page or the public API tells of a site or a point."""
    return list(queryset.values_list("pk", "name"))


# --- filing a report ------------------------------------------------------------------------------


@dataclass
class ReportIn:
    """What a resident sends (as the form or the API read it, not yet checked)."""

    kind: str
    community: object
    description: str = ""
    site: object = None
    dropoff: object = None
    place: str = ""
    latitude: object = None
    longitude: object = None
    accuracy_m: object = None


def token_for(client: str, key: str) -> str:
    """The follow-link token of the report `client` made from the form key `key`: a keyed digest, so a
    retried submission from the same connection finds its report, another sender using the same key
    does not, and nobody can derive a token without the site's secret."""
    raw = hmac.new(
        settings.SECRET_KEY.encode(), f"fenlei.report|{client}|{key}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(raw[:18]).decode()


def _number(report: ResidentReport) -> str:
    """A report's number: JM (居民), the day it arrived, its id."""
    return f"JM{timezone.localtime(report.created_at):%Y%m%d}-{report.pk}"


def _coordinate(value, limit: int, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("“{value}” is not a number of degrees.").format(value=str(value)[:20])
        return None
    if not number.is_finite() or abs(number) > limit:
        errors[field] = _("It must lie between -{limit} and {limit} degrees.").format(limit=limit)
        return None
    return number.quantize(Decimal("0.000001"))


def _pk(value):
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else -1


def _clean(data: ReportIn) -> dict:
    """The checked fields of a new report, or a ValidationError naming each bad field."""
    errors: dict = {}
    out: dict = {}
    if data.kind not in ReportKind.values:
        errors["kind"] = _("Choose what the problem is.")
    out["kind"] = data.kind
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = _("Say it in at most {n} characters.").format(n=MAX_DESCRIPTION)
    out["description"] = description
    place = (data.place or "").strip()
    if len(place) > MAX_PLACE:
        errors["place"] = _("Say it in at most {n} characters.").format(n=MAX_PLACE)
    out["place"] = place
    community = None
    community_pk = _pk(data.community)
    if community_pk is None:
        errors["community"] = _("Choose the community where the problem is.")
    else:
        community = communities().filter(pk=community_pk).first()
        if community is None:
            errors["community"] = _("Choose a community from the list.")
    out["area"] = community
    out["site"] = out["dropoff"] = None
    if community is not None:
        site_pk, dropoff_pk = _pk(data.site), _pk(data.dropoff)
        if site_pk is not None:
            out["site"] = sites_in(community).filter(pk=site_pk).first()
            if out["site"] is None:
                errors["site"] = _("Choose a site of {community} from the list.").format(community=community)
        if dropoff_pk is not None:
            out["dropoff"] = dropoffs_in(community).select_related("site").filter(pk=dropoff_pk).first()
            if out["dropoff"] is None:
                errors["dropoff"] = _("Choose a drop-off point of {community} from the list.").format(
                    community=community
                )
            elif out["site"] is None and out["dropoff"].site_id:
                out["site"] = out["dropoff"].site
    out["latitude"] = _coordinate(data.latitude, 90, "latitude", errors)
    out["longitude"] = _coordinate(data.longitude, 180, "longitude", errors)
    if (out["latitude"] is None) != (out["longitude"] is None) and not {"latitude", "longitude"} & set(
        errors
    ):
        errors["latitude"] = _("Send both the latitude and the longitude, or neither.")
    accuracy = data.accuracy_m
    out["accuracy_m"] = None
    if accuracy not in (None, "") and out["latitude"] is not None:
        try:
            out["accuracy_m"] = min(max(int(round(float(accuracy))), 0), 2_000_000_000)
        except (TypeError, ValueError, OverflowError):
            errors["accuracy_m"] = _("The accuracy must be a number of metres.")
    if errors:
        raise ValidationError(errors)
    return out


def submit(
    *, data: ReportIn, photos: list = (), client: str, key: str = "", now: datetime.datetime | None = None
) -> tuple[ResidentReport, bool]:
    """File a resident's report; (report, created). With a `key` (the form's own id), a retried
    submission gives back the report it already made instead of a second one (and is not counted
    against the limits again). Refuses with a ValidationError naming each bad field, a bad photo, or
    the sender's limit (a non-field error with the code "limit")."""
    token = token_for(client, key) if key else None
    if token:
        kept = ResidentReport.objects.filter(token=token).first()
        if kept is not None:
            return kept, False
    fields = _clean(data)
    photos = [p for p in photos if p is not None]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photo": _("Send at most {n} photos.").format(n=MAX_PHOTOS)})
    prepared = attachments.prepare(ResidentReport, "photo", photos, label="photo") if photos else []
    for photo in prepared:  # the form promises: what the camera wrote (time, place) is not kept
        photo.taken_at = photo.latitude = photo.longitude = None
    written: list[str] = []
    try:
        with transaction.atomic():
            try:
                limits.check(
                    ResidentReport.objects.all(),
                    client,
                    per_hour=settings.FENLEI_PUBLIC_REPORTS_PER_HOUR,
                    per_day=settings.FENLEI_PUBLIC_REPORTS_PER_DAY,
                    now=now,
                )
            except ValidationError as exc:
                raise ValidationError({NON_FIELD_ERRORS: [exc]}) from None
            report = ResidentReport(area_path=fields["area"].path, client=client, **fields)
            if token:
                report.token = token
            report.number = "~" + report.token[:23]  # until the id is known
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError:
                kept = ResidentReport.objects.filter(token=report.token).first() if token else None
                if kept is None:
                    raise
                return kept, False  # the same submission, sent twice at once
            if now is not None:
                ResidentReport.objects.filter(pk=report.pk).update(created_at=now)
                report.created_at = now
            report.number = _number(report)
            report.save(update_fields=["number"])
            audit.log(report, AuditAction.CREATE, by=None, changes=_snapshot(report))
            if prepared:
                attachments.store(row=report, slot="photo", prepared=prepared, by=None, written=written)
            _announce(report)
    except BaseException:
        attachments.discard(written)
        raise
    return report, True


def _snapshot(report: ResidentReport) -> dict:
    """The report's fields for the audit log: never the follow token, never the sender's digest."""
    data = report.audit_snapshot()
    for secret in ("token", "client"):
        data.pop(secret, None)
    return {k: [None, v] for k, v in data.items() if v not in (None, "")}


def _announce(report: ResidentReport) -> None:
    """Tell the administrators of the report's community and street (inbox and channels)."""
    from fenlei.accounts.models import RoleAssignment, User

    area = report.area
    q = Q(role=Role.COMMUNITY_ADMIN, area_id=area.pk)
    if area.parent_id:
        q |= Q(role=Role.STREET_ADMIN, area_id=area.parent_id)
    ids = RoleAssignment.objects.filter(q, active=True).values("user_id")
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    from django.urls import reverse

    notify.send(
        users,
        REPORT_NEW,
        params={"number": report.number, "community": area.name, "kind": report.kind},
        url=reverse("reports:detail", args=[report.pk]),
        key=f"report_new:{report.pk}",
    )


# --- the office's actions ---------------------------------------------------------------------------

#: The area of concern each kind of problem belongs to, and a word the best item's text holds.
KIND_CONCERN: dict[str, tuple[str, str]] = {
    ReportKind.OVERFLOW: (Concern.FACILITIES, "满溢"),
    ReportKind.MIXED: (Concern.COLLECTION, "混"),
    ReportKind.CLOSED: (Concern.SUPERVISION, ""),
    ReportKind.MISSING_BIN: (Concern.FACILITIES, "齐"),
}


def target_of(report: ResidentReport) -> tuple[str, int] | None:
    """The target the report names: its drop-off point, else its site (None: neither)."""
    if report.dropoff_id:
        return TargetType.DROPOFF, report.dropoff_id
    if report.site_id:
        return TargetType.SITE, report.site_id
    return None


def checklist_items(target_type: str, target) -> list[ChecklistItem]:
    """The items of the checklist in use for the target (empty: none in use)."""
    version = inspections.template_for(target_type, target)
    return list(version.items.order_by("position")) if version else []


def suggest_item(items: list[ChecklistItem], kind: str) -> ChecklistItem | None:
    """The item that best fits the kind of problem: of its area of concern, the one whose text
    holds the kind's word, else the first of that concern (None: no fit)."""
    concern, word = KIND_CONCERN.get(kind, (None, ""))
    fitting = [i for i in items if i.concern == concern]
    for item in fitting:
        if word and word in item.text:
            return item
    return fitting[0] if fitting else None


def targets_for(user, report: ResidentReport) -> dict:
    """The sites and drop-off points of the report's community `user` may see: {"site": [...],
    "dropoff": [...]} (the choices of the order form)."""
    sites = scoping.for_user(user, Action.VIEW, sites_in(report.area).select_related("kind"))
    points = scoping.for_user(user, Action.VIEW, dropoffs_in(report.area))
    return {TargetType.SITE: list(sites), TargetType.DROPOFF: list(points)}


def get_target(user, report: ResidentReport, target_type: str, target_id):
    """A site or drop-off point of the report's community `user` may see, or a ValidationError on
    "target"."""
    if target_type == TargetType.SITE:
        qs = sites_in(report.area).select_related("kind", "community")
    elif target_type == TargetType.DROPOFF:
        qs = dropoffs_in(report.area).select_related("area", "site")
    else:
        raise ValidationError({"target": _("Choose a site or a drop-off point.")})
    target = scoping.for_user(user, Action.VIEW, qs).filter(pk=_pk(target_id) or -1).first()
    if target is None:
        raise ValidationError(
            {"target": _("Choose a site or drop-off point of {community}.").format(community=report.area)}
        )
    return target


def order_number(report: ResidentReport, day: datetime.date) -> str:
    """The number of the order issued from a report: ZG, the day, J (居民) and the report's id."""
    return f"ZG{day:%Y%m%d}-J{report.pk}"


def _lock(report: ResidentReport, by) -> ResidentReport:
    locked = ResidentReport.objects.select_for_update(of=("self",)).select_related("area").get(pk=report.pk)
    if not scoping.can(by, Action.CHANGE, locked):
        raise PermissionDenied(_("You may not act on this report."))
    if locked.state != ReportState.RECEIVED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("The report {number} was already handled: {state}.").format(
                    number=locked.number, state=locked.get_state_display()
                )
            },
            code="handled",
        )
    return locked


def turn_into_order(
    *,
    report: ResidentReport,
    by,
    target_type: str,
    target_id,
    item_id,
    note: str = "",
    hauler_id=None,
    now: datetime.datetime | None = None,
) -> RectificationOrder:
    """Issue a rectification order for the report at a site or drop-off point of its community,
    for an item of that target's checklist; the report becomes "ordered" and points to the order."""
    now = now or timezone.now()
    target = get_target(by, report, target_type, target_id)
    item = ChecklistItem.objects.filter(pk=_pk(item_id) or -1).first()
    if item is None:
        raise ValidationError({"item": _("Choose the checklist item the problem falls under.")})
    note = (note or "").strip()[:200]
    with transaction.atomic():
        locked = _lock(report, by)
        order = inspections.issue(
            by=by,
            target_type=target_type,
            target=target,
            item=item,
            number=order_number(locked, timezone.localtime(now).date()),
            note=note,
            hauler_id=_pk(hauler_id) if hauler_id not in (None, "") else None,
            latitude=locked.latitude,
            longitude=locked.longitude,
            now=now,
        )
        locked.state, locked.order = ReportState.ORDERED, order
        locked.handled_by, locked.handled_at = by, now
        locked.save(update_fields=["state", "order", "handled_by", "handled_at", "updated_at"])
        audit.log(
            locked,
            AuditAction.UPDATE,
            by=by,
            changes={"state": [ReportState.RECEIVED, ReportState.ORDERED], "order": [None, order.number]},
            note=str(ReportState.ORDERED.label),
        )
    return order


def decline(
    *, report: ResidentReport, by, reason: str, now: datetime.datetime | None = None
) -> ResidentReport:
    """Decline the report with a reason, which the reporter reads on the status page."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is not taken up: the reporter reads it.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("Say it in at most {n} characters.").format(n=MAX_REASON)})
    with transaction.atomic():
        locked = _lock(report, by)
        locked.state, locked.reason = ReportState.REJECTED, reason
        locked.handled_by, locked.handled_at = by, now
        locked.save(update_fields=["state", "reason", "handled_by", "handled_at", "updated_at"])
        audit.log(
            locked,
            AuditAction.UPDATE,
            by=by,
            changes={"state": [ReportState.RECEIVED, ReportState.REJECTED], "reason": [None, reason]},
            note=reason,
        )
    return locked


# --- what the reporter sees -------------------------------------------------------------------------

#: The order's phase in the reporter's words.
PUBLIC_PHASE = {
    Phase.OPEN: pgettext_lazy("resident report", "Waiting for rectification"),  # 待整改
    Phase.FIXED: pgettext_lazy("resident report", "Rectified, being checked"),  # 已答复
    Phase.CLOSED: pgettext_lazy("resident report", "Done"),  # 已办结
}
#: The order's steps in the reporter's words (never who took them, never their notes).
PUBLIC_STEP = {
    Step.ISSUE: pgettext_lazy("resident report", "Rectification order issued"),
    Step.START: pgettext_lazy("resident report", "Work started"),
    Step.ANSWER: pgettext_lazy("resident report", "Reported as rectified"),
    Step.VERIFY: pgettext_lazy("resident report", "Checked and done"),
    Step.RETURN: pgettext_lazy("resident report", "Sent back for more work"),
    Step.REROUTE: pgettext_lazy("resident report", "Passed to the unit responsible"),
    Step.OVERDUE: pgettext_lazy("resident report", "Past its deadline"),
    Step.ESCALATE: pgettext_lazy("resident report", "Taken up by the level above"),
}
PUBLIC_STATE = {
    ReportState.RECEIVED: pgettext_lazy("resident report", "Received, waiting to be looked at"),
    ReportState.ORDERED: pgettext_lazy("resident report", "Turned into a rectification order"),
    ReportState.REJECTED: pgettext_lazy("resident report", "Not taken up"),
}


def by_token(token: str) -> ResidentReport | None:
    """The report a follow link names (None: no such report)."""
    if not token or len(token) > 32:
        return None
    return ResidentReport.objects.select_related("order").filter(token=token).first()


def status_of(report: ResidentReport) -> dict:
    """What the reporter may know of the report: its number, kind, when it arrived, where it stands;
    for an order its phase, deadline and steps (when and what, never who or why)."""
    out = {
        "number": report.number,
        "kind": report.kind,
        "kind_label": str(report.get_kind_display()),
        "received_at": report.created_at,
        "status": report.state,
        "status_label": str(PUBLIC_STATE[report.state]),
        "reason": report.reason if report.state == ReportState.REJECTED else "",
        "photos": attachments.of_row(report, "photo").count(),
        "order": None,
    }
    order = report.order if report.order_id else None
    if order is not None:
        phase = PHASE[order.state]
        out["order"] = {
            "phase": str(phase),
            "phase_label": str(PUBLIC_PHASE[phase]),
            "deadline": order.deadline,
            "closed_at": order.closed_at,
            "timeline": [
                {"at": at, "step": step, "label": str(PUBLIC_STEP.get(step, step))}
                for at, step in order.events.order_by("at", "pk").values_list("at", "step")
            ],
        }
    return out
