"""Writes of inspection and rectification: every face (web, API, command line, seeder) calls these.

- `submit` keeps one inspection whole — answers, photos, score, position check, and the
  rectification orders of its failed items — or nothing; a draft sent twice is kept once.
- `transition` is the one place an order changes state: it checks the step against
  `choices.TRANSITIONS`, the person's capacity (`capacities`) and the step's own requirements (an
  "after" photo to answer, a reason to return or re-route), writes the step as a
  `RectificationEvent`, the audit entry and the notifications, in one transaction.
- `run_deadlines` (daily) marks overdue orders, escalates them (督办) to the street and then the
  district, and reminds units of the orders due tomorrow.
- `revise` writes a new version of a checklist; past inspections keep theirs.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.core import attachments, audit, notify, scoping, workdays
from fenlei.core.models import AuditAction
from fenlei.core.roles import Action, Role
from fenlei.inspections import notices
from fenlei.inspections.choices import (
    OPEN_STATES,
    TRANSITIONS,
    Capacity,
    Escalation,
    OrderState,
    Responsible,
    Result,
    Scoring,
    Step,
    TargetType,
)
from fenlei.inspections.geo import distance_m
from fenlei.inspections.models import (
    Answer,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    PlanEntry,
    RectificationEvent,
    RectificationOrder,
)
from fenlei.org.choices import AreaLevel
from fenlei.org.models import Area

HUNDRED = Decimal(100)


# --- targets ------------------------------------------------------------------------------------


def target_model(target_type: str):
    from fenlei.facilities.models import DropOffPoint, Vehicle
    from fenlei.org.models import Site

    try:
        return {TargetType.SITE: Site, TargetType.DROPOFF: DropOffPoint, TargetType.VEHICLE: Vehicle}[
            target_type
        ]
    except KeyError:
        raise ValidationError(
            {"target_type": _("“{value}” is not a kind of target.").format(value=target_type)}
        ) from None


def target_area(target_type: str, target) -> Area:
    """The area a target belongs to (a site's community, a point's area, a vehicle's district)."""
    return target.community if target_type == TargetType.SITE else target.area


def target_fields(target_type: str, target) -> dict:
    """The fields a row about `target` carries (see models.Targeted)."""
    fields = {"target_type": target_type, "site": None, "dropoff": None, "vehicle": None}
    if target_type == TargetType.SITE:
        fields["site"] = target
    elif target_type == TargetType.DROPOFF:
        fields["dropoff"] = target
        fields["site"] = target.site
    else:
        fields["vehicle"] = target
    area = target_area(target_type, target)
    fields["area"] = area
    fields["area_path"] = area.path
    return fields


def inspectable_areas(user):
    """The areas in which `user` may inspect (add inspections)."""
    return scoping.placeable_areas(user, Action.ADD, Inspection, Area.objects.all())


#: The codes of `get_target`'s refusals, for faces that answer them with different statuses.
TARGET_MISSING, TARGET_CLOSED, TARGET_OUTSIDE = "missing", "closed", "outside"


def get_target(user, target_type: str, target_id, *, for_inspection: bool = True):
    """The target `user` names, if it may see it and inspect it; otherwise a ValidationError on
    "target" naming why, with the code TARGET_MISSING (none it may see: its name is never told),
    TARGET_CLOSED or TARGET_OUTSIDE (seen, but not in a place where it may inspect)."""
    model = target_model(target_type)
    related = ["community", "kind", "authority"] if target_type == TargetType.SITE else ["area"]
    try:
        target = scoping.for_user(user, Action.VIEW, model).select_related(*related).get(pk=target_id)
    except (model.DoesNotExist, ValueError, TypeError):
        message = _("No {kind} you may see has the id {id}.").format(
            kind=model._meta.verbose_name, id=str(target_id)[:20]
        )
        raise ValidationError({"target": ValidationError(message, code=TARGET_MISSING)}) from None
    if getattr(target, "closed_on", None) is not None:
        message = _("“{target}” is closed.").format(target=target)
        raise ValidationError({"target": ValidationError(message, code=TARGET_CLOSED)})
    if for_inspection:
        area = target_area(target_type, target)
        if not inspectable_areas(user).filter(pk=area.pk).exists():
            message = _("“{target}” lies outside the places you may inspect.").format(target=target)
            raise ValidationError({"target": ValidationError(message, code=TARGET_OUTSIDE)})
    return target


def target_refusal(exc: ValidationError) -> str | None:
    """The code of a `get_target` refusal carried by `exc` (None: not one)."""
    errors = getattr(exc, "error_dict", {}).get("target", [])
    return errors[0].code if errors else None


# --- checklists ---------------------------------------------------------------------------------


def template_for(target_type: str, target=None) -> ChecklistVersion | None:
    """The current checklist version for a target: the one for the site's kind, else the general one."""
    templates = ChecklistTemplate.objects.filter(active=True, target_type=target_type, current__isnull=False)
    if target_type == TargetType.SITE and target is not None:
        own = templates.filter(site_kinds=target.kind_id).order_by("pk").first()
        if own is not None:
            return own.current
        templates = templates.filter(site_kinds__isnull=True)
    first = templates.order_by("pk").first()
    return first.current if first else None


@dataclass
class ItemIn:
    code: str
    concern: str
    text: str
    points: Decimal
    severity: str = "minor"
    text_en: str = ""
    veto: bool = False
    purity: bool = False
    photo_required: bool = True
    responsible: str = Responsible.SITE


def revise(
    template: ChecklistTemplate,
    *,
    items: list[ItemIn],
    by,
    scoring: str | None = None,
    pass_mark: Decimal | None = None,
    note: str = "",
) -> ChecklistVersion:
    """Write a new version of `template` with `items` and make it current (past versions stay)."""
    if not items:
        raise ValidationError({"items": _("A checklist needs at least one item.")})
    codes = [i.code.strip() for i in items]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValidationError(
            {"items": _("Item codes must differ; repeated: {codes}.").format(codes=", ".join(dupes))}
        )
    previous = template.current
    with transaction.atomic():
        locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = ChecklistVersion(
            template=locked,
            number=number,
            scoring=scoring or (previous.scoring if previous else Scoring.POINTS),
            pass_mark=pass_mark
            if pass_mark is not None
            else (previous.pass_mark if previous else Decimal(60)),
            note=note[:200],
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        version.full_clean(exclude=["template"])
        version.save()
        rows = []
        for position, item in enumerate(items, start=1):
            row = ChecklistItem(
                version=version,
                position=position,
                code=item.code.strip(),
                concern=item.concern,
                text=item.text.strip(),
                text_en=item.text_en.strip(),
                points=Decimal(item.points),
                severity=item.severity,
                veto=item.veto,
                purity=item.purity,
                photo_required=item.photo_required,
                responsible=item.responsible,
            )
            try:
                row.full_clean(exclude=["version"])
            except ValidationError as exc:
                raise ValidationError(
                    {
                        "items": [
                            _("Item {code}: {problem}").format(code=row.code, problem=m) for m in exc.messages
                        ]
                    }
                ) from None
            rows.append(row)
        ChecklistItem.objects.bulk_create(rows)
        locked.current = version
        locked.save(update_fields=["current", "updated_at"])
        audit.log(
            locked,
            AuditAction.UPDATE,
            by=by,
            changes={"version": [previous.number if previous else None, version.number]},
            note=note,
        )
    return version


# --- inspections --------------------------------------------------------------------------------


@dataclass
class AnswerIn:
    code: str
    result: str = ""
    note: str = ""
    purity: list = field(default_factory=list)
    #: For an item answered by a hauler at a site: which hauler (default: the one that collects there).
    hauler_id: int | None = None


@dataclass
class PhotoIn:
    file: object
    code: str = ""
    taken_at: datetime.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class Scored:
    score: Decimal
    vetoed: bool
    passed: bool
    problems: int
    points: dict  # item pk -> points earned


def score(version: ChecklistVersion, results: dict[int, str]) -> Scored:
    """The score of answers ({item pk: result}) against `version`, out of 100.

    Points: the passed items' points over the applicable items' points. Deduction: 100 less the
    failed items' points (never below 0). A failed veto item fails the inspection whatever the score.
    """
    items = list(version.items.all())
    earned: dict[int, Decimal] = {}
    failed = [i for i in items if results.get(i.pk) == Result.FAIL]
    if version.scoring == Scoring.DEDUCTION:
        total = max(Decimal(0), HUNDRED - sum((i.points for i in failed), Decimal(0)))
        for i in items:
            earned[i.pk] = -i.points if results.get(i.pk) == Result.FAIL else Decimal(0)
    else:
        applicable = [i for i in items if results.get(i.pk) in (Result.PASS, Result.FAIL)]
        possible = sum((i.points for i in applicable), Decimal(0))
        got = sum((i.points for i in applicable if results.get(i.pk) == Result.PASS), Decimal(0))
        total = (got * HUNDRED / possible) if possible else HUNDRED
        for i in items:
            earned[i.pk] = i.points if results.get(i.pk) == Result.PASS else Decimal(0)
    total = total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    vetoed = any(i.veto for i in failed)
    return Scored(total, vetoed, not vetoed and total >= version.pass_mark, len(failed), earned)


def purity_result(values: list) -> str:
    """Pass when every bin checked reaches the purity threshold."""
    threshold = settings.FENLEI_PURITY_THRESHOLD_PCT
    return Result.PASS if all(float(v) >= threshold for v in values) else Result.FAIL


def _parse_purity(item: ChecklistItem, raw) -> list[float]:
    if raw in (None, "", []):
        raise ValidationError(
            {"answers": _("Item {code}: give the purity (%) of at least one bin.").format(code=item.code)}
        )
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").replace(" ", ",").split(",") if p]
    values = []
    for v in raw:
        try:
            number = float(v)
        except (TypeError, ValueError):
            number = -1
        if not 0 <= number <= 100:
            raise ValidationError(
                {
                    "answers": _("Item {code}: “{value}” is not a purity between 0 and 100.").format(
                        code=item.code, value=v
                    )
                }
            )
        values.append(round(number, 1))
    if len(values) > 50:
        raise ValidationError({"answers": _("Item {code}: at most 50 bins.").format(code=item.code)})
    return values


def default_hauler(site):
    """The hauler that last collected at `site` (from its collection records), if any."""
    from fenlei.collection.models import Record

    return (
        Record.objects.filter(site=site, hauler__isnull=False, voided_at__isnull=True)
        .order_by("-day", "-pk")
        .values_list("hauler_id", flat=True)
        .first()
    )


def street_of(area: Area) -> Area | None:
    if area.level == AreaLevel.COMMUNITY:
        return area.parent
    if area.level == AreaLevel.STREET:
        return area
    return None


def addressee(item: ChecklistItem, fields: dict, target, hauler_id: int | None) -> dict:
    """Whom an order for `item` at the target is addressed to: {responsible, responsible_area, hauler_id, authority_id}."""
    site = fields["site"]
    area = fields["area"]
    authority_id = site.authority_id if site is not None else None
    vehicle = fields["vehicle"]
    out = {
        "responsible_area": None,
        "hauler_id": vehicle.hauler_id if vehicle else None,
        "authority_id": authority_id,
    }
    wanted = item.responsible
    if vehicle is not None and wanted in (Responsible.SITE, Responsible.HAULER):
        wanted = Responsible.HAULER
    if wanted == Responsible.SITE and site is None:
        wanted = Responsible.COMMUNITY
    if wanted == Responsible.AUTHORITY and authority_id is None:
        wanted = Responsible.SITE if site is not None else Responsible.COMMUNITY
    if wanted == Responsible.HAULER and out["hauler_id"] is None:
        out["hauler_id"] = hauler_id or (default_hauler(site) if site is not None else None)
        if out["hauler_id"] is None:
            raise ValidationError(
                {
                    "answers": _(
                        "Item {code} is answered by the hauler: choose which hauler collects here."
                    ).format(code=item.code)
                }
            )
    if wanted == Responsible.COMMUNITY and area.level != AreaLevel.COMMUNITY:
        wanted = Responsible.STREET
    if wanted == Responsible.STREET:
        out["responsible_area"] = street_of(area)
        if out["responsible_area"] is None:
            raise ValidationError(
                {"answers": _("Item {code}: the target lies in no street.").format(code=item.code)}
            )
    elif wanted in (Responsible.SITE, Responsible.COMMUNITY):
        out["responsible_area"] = area
    out["responsible"] = wanted
    return out


def deadline_for(severity: str, start: datetime.date) -> datetime.date:
    days = settings.FENLEI_RECTIFY_WORKDAYS.get(severity, 3)
    return workdays.add_workdays(start, days)


def _as_uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise ValidationError(
            {"client_id": _("The draft id “{value}” is not valid.").format(value=value)}
        ) from None


def submit(
    *,
    by,
    target_type: str,
    target_id,
    client_id,
    answers: list[AnswerIn],
    photos: list[PhotoIn] = (),
    version_id: int | None = None,
    started_at: datetime.datetime | None = None,
    finished_at: datetime.datetime | None = None,
    latitude=None,
    longitude=None,
    accuracy_m: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Inspection, bool]:
    """Keep one inspection whole, with its orders; (the inspection, whether it is new).

    A draft already received (the same inspector and draft id) is returned as it was kept, not
    counted again. Every problem found in the submission is reported at once, and nothing is kept.
    """
    now = now or timezone.now()
    client_id = _as_uuid(client_id)
    existing = Inspection.objects.filter(inspector=by, client_id=client_id).first()
    if existing is not None:
        return existing, False
    target = get_target(by, target_type, target_id)
    fields = target_fields(target_type, target)
    version = _version_for(target_type, target, version_id)
    errors: dict[str, list] = {}
    finished_at = finished_at or now
    started_at = started_at or finished_at
    skew = datetime.timedelta(minutes=settings.FENLEI_CLOCK_SKEW_MINUTES)
    if finished_at > now + skew:
        errors.setdefault("finished_at", []).append(_("The inspection cannot finish in the future."))
    if started_at > finished_at:
        errors.setdefault("started_at", []).append(_("The inspection cannot start after it finished."))
    if (
        latitude is not None
        and not -90 <= float(latitude) <= 90
        or longitude is not None
        and not -180 <= float(longitude) <= 180
    ):
        errors.setdefault("latitude", []).append(_("The position is not a valid latitude and longitude."))
    items = {i.code: i for i in version.items.all()}
    given: dict[str, AnswerIn] = {}
    for a in answers:
        code = str(a.code).strip()
        if code not in items:
            errors.setdefault("answers", []).append(
                _("Item {code} is not on this checklist.").format(code=code)
            )
        elif code in given:
            errors.setdefault("answers", []).append(_("Item {code} is answered twice.").format(code=code))
        else:
            given[code] = a
    missing = [c for c in items if c not in given]
    if missing:
        errors.setdefault("answers", []).append(
            _("Items not answered: {codes}.").format(codes=", ".join(missing))
        )
    results: dict[int, str] = {}
    purity: dict[int, list] = {}
    for code, a in given.items():
        item = items[code]
        try:
            if item.purity and a.result != Result.NA:
                purity[item.pk] = _parse_purity(item, a.purity)
                results[item.pk] = purity_result(purity[item.pk])
            elif a.result in Result.values:
                results[item.pk] = a.result
            else:
                raise ValidationError(
                    {
                        "answers": _(
                            "Item {code}: “{value}” is not an answer (pass, problem, not applicable)."
                        ).format(code=code, value=a.result)
                    }
                )
        except ValidationError as exc:
            errors.setdefault("answers", []).extend(exc.message_dict.get("answers", exc.messages))
    photo_codes = [str(p.code).strip() for p in photos if p.file is not None]
    for code in photo_codes:
        if code and code not in items:
            errors.setdefault("photos", []).append(
                _("A photo is for item {code}, which is not on this checklist.").format(code=code)
            )
    for code in given:
        item = items[code]
        if results.get(item.pk) == Result.FAIL and item.photo_required and code not in photo_codes:
            errors.setdefault("photos", []).append(
                _("Item {code} has a problem: take at least one photo of it.").format(code=code)
            )
    prepared = []
    if photos:
        try:
            prepared = attachments.prepare(
                Inspection,
                "photo",
                [p.file for p in photos],
                [
                    attachments.Capture(p.taken_at, p.latitude, p.longitude, str(p.code).strip())
                    for p in photos
                ],
                label="photos",
            )
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.message_dict.get("photos", exc.messages))
        earliest = started_at - datetime.timedelta(hours=settings.FENLEI_PHOTO_MAX_AGE_HOURS)
        for p in prepared:
            if p.taken_at is not None and not (earliest <= p.taken_at <= finished_at + skew):
                errors.setdefault("photos", []).append(
                    _("“{name}” was taken at {time}, not during this inspection.").format(
                        name=p.checked.name, time=timezone.localtime(p.taken_at).strftime("%Y-%m-%d %H:%M")
                    )
                )
    hauler_choice = {code: a.hauler_id for code, a in given.items() if a.hauler_id}
    addressees = {}
    for code in given:
        item = items[code]
        if results.get(item.pk) == Result.FAIL:
            try:
                addressees[code] = addressee(item, fields, target, hauler_choice.get(code))
            except ValidationError as exc:
                errors.setdefault("answers", []).extend(exc.message_dict.get("answers", exc.messages))
    if errors:
        raise ValidationError(errors)

    scored = score(version, results)
    coords = _target_coordinates(target_type, target)
    distance = distance_m(latitude, longitude, *coords)
    day = timezone.localtime(finished_at).date()
    written: list[str] = []
    try:
        with transaction.atomic():
            inspection = Inspection(
                client_id=client_id,
                inspector=by,
                version=version,
                hauler_id=fields["vehicle"].hauler_id if fields["vehicle"] else None,
                started_at=started_at,
                finished_at=finished_at,
                day=day,
                latitude=_dec(latitude),
                longitude=_dec(longitude),
                accuracy_m=accuracy_m,
                distance_m=distance,
                far=distance is not None and distance > settings.FENLEI_INSPECTION_FAR_METRES,
                score=scored.score,
                vetoed=scored.vetoed,
                passed=scored.passed,
                problems=scored.problems,
                note=(note or "")[:2000],
                face=audit.current_face(),
                **fields,
            )
            inspection.plan_entry = PlanEntry.objects.filter(
                day=day, inspector=by, target_key=inspection.target_key, inspection__isnull=True
            ).first()
            try:
                with transaction.atomic():
                    inspection.save()
            except IntegrityError:
                kept = Inspection.objects.filter(inspector=by, client_id=client_id).first()
                if kept is None:
                    raise
                return kept, False
            rows = [
                Answer(
                    inspection=inspection,
                    item=items[code],
                    result=results[items[code].pk],
                    points=scored.points[items[code].pk],
                    purity=purity.get(items[code].pk, []),
                    note=(a.note or "")[:500],
                )
                for code, a in given.items()
            ]
            Answer.objects.bulk_create(rows)
            audit.log(inspection, AuditAction.CREATE, by=by)
            stored = (
                attachments.store(row=inspection, slot="photo", prepared=prepared, by=by, written=written)
                if prepared
                else []
            )
            first_photo = {}
            for att in stored:
                first_photo.setdefault(att.part, att)
            answers_by_item = {r.item_id: r for r in Answer.objects.filter(inspection=inspection)}
            for code, unit in addressees.items():
                item = items[code]
                photo = first_photo.get(code)
                _issue(
                    inspection,
                    item,
                    answers_by_item[item.pk],
                    unit,
                    fields,
                    by=by,
                    now=now,
                    note=given[code].note,
                    latitude=photo.latitude if photo else inspection.latitude,
                    longitude=photo.longitude if photo else inspection.longitude,
                )
    except BaseException:
        attachments.discard(written)
        raise
    return inspection, True


def _dec(value):
    if value in (None, ""):
        return None
    return Decimal(str(round(float(value), 6)))


def _target_coordinates(target_type, target):
    return (target.latitude, target.longitude)


def _version_for(target_type: str, target, version_id) -> ChecklistVersion:
    if version_id:
        try:
            version = ChecklistVersion.objects.select_related("template").get(pk=version_id)
        except (ChecklistVersion.DoesNotExist, ValueError, TypeError):
            raise ValidationError(
                {"version": _("No checklist version has the id {id}.").format(id=version_id)}
            ) from None
        if version.template.target_type != target_type:
            raise ValidationError(
                {
                    "version": _("The checklist “{name}” is not for this kind of target.").format(
                        name=version.template
                    )
                }
            )
        return version
    version = template_for(target_type, target)
    if version is None:
        raise ValidationError({"version": _("No checklist is in use for this kind of target.")})
    return version


def order_number(inspection: Inspection, item: ChecklistItem) -> str:
    """An order's number: ZG, the inspection's day, the inspection, the item's position."""
    return f"ZG{inspection.day:%Y%m%d}-{inspection.pk}-{item.position}"


def _issue(
    inspection, item, answer, unit, fields, *, by, now, note, latitude, longitude
) -> RectificationOrder:
    return _create_order(
        number=order_number(inspection, item),
        inspection=inspection,
        answer=answer,
        item=item,
        unit=unit,
        fields=fields,
        by=by,
        now=now,
        day=inspection.day,
        note=note,
        latitude=latitude,
        longitude=longitude,
    )


def _create_order(
    *, number, inspection, answer, item, unit, fields, by, now, day, note, latitude, longitude
) -> RectificationOrder:
    """Write one order (inside the caller's transaction): its first step, its audit entry and the
    notice to the unit addressed. Shared by the orders of an inspection and the orders issued
    without one (`issue`)."""
    repeat_of = earlier_problem(fields, item, day)
    summary = item.text if not note else f"{item.text}：{note}"
    order = RectificationOrder(
        number=number,
        inspection=inspection,
        answer=answer,
        item=item,
        concern=item.concern,
        severity=item.severity,
        summary=summary[:300],
        responsible=unit["responsible"],
        responsible_area=unit["responsible_area"],
        hauler_id=unit["hauler_id"],
        authority_id=unit["authority_id"],
        state=OrderState.PENDING,
        deadline=deadline_for(item.severity, day),
        repeat_of=repeat_of,
        issued_by=by,
        issued_at=now,
        latitude=latitude,
        longitude=longitude,
        **fields,
    )
    order.save()
    _event(order, Step.ISSUE, "", OrderState.PENDING, by=by, at=now, note="")
    audit.log(order, AuditAction.CREATE, by=by)
    tell(order, responsible_users(order), notices.ORDER_NEW, f"order_new:{order.pk}")
    return order


def issue(
    *,
    by,
    target_type: str,
    target,
    item: ChecklistItem,
    number: str,
    note: str = "",
    hauler_id: int | None = None,
    latitude=None,
    longitude=None,
    now: datetime.datetime | None = None,
) -> RectificationOrder:
    """Issue one rectification order without an inspection (a problem reported some other way, e.g.
    by a resident): `item` must be an item of the target's current checklist; the order is
    addressed, dated and announced exactly as an inspection's order for that item would be.

    The caller has read `target` through the scoping function. Runs in (or opens) one transaction.
    """
    now = now or timezone.now()
    if target_type not in (TargetType.SITE, TargetType.DROPOFF):
        raise ValidationError({"target": _("Choose a site or a drop-off point.")})
    if getattr(target, "closed_on", None) is not None:
        raise ValidationError({"target": _("“{target}” is closed.").format(target=target)})
    version = template_for(target_type, target)
    if version is None or item.version_id != version.pk:
        raise ValidationError(
            {"item": _("Choose an item of the checklist in use for “{target}”.").format(target=target)}
        )
    fields = target_fields(target_type, target)
    try:
        unit = addressee(item, fields, target, hauler_id)
    except ValidationError as exc:
        raise ValidationError({"hauler": exc.message_dict.get("answers", exc.messages)}) from None
    with transaction.atomic():
        return _create_order(
            number=number,
            inspection=None,
            answer=None,
            item=item,
            unit=unit,
            fields=fields,
            by=by,
            now=now,
            day=timezone.localtime(now).date(),
            note=note,
            latitude=_dec(latitude),
            longitude=_dec(longitude),
        )


def earlier_problem(fields: dict, item: ChecklistItem, day: datetime.date) -> RectificationOrder | None:
    """An order for the same problem (item code) at the same target within FENLEI_REPEAT_DAYS: by
    its inspection's day, or by the day it was issued when it came without an inspection."""
    since = day - datetime.timedelta(days=settings.FENLEI_REPEAT_DAYS)
    kind = fields["target_type"]
    key = {TargetType.SITE: "site", TargetType.DROPOFF: "dropoff", TargetType.VEHICLE: "vehicle"}[kind]
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return (
        RectificationOrder.objects.filter(
            Q(inspection__day__gte=since, inspection__day__lte=day)
            | Q(inspection__isnull=True, issued_at__gte=start, issued_at__lt=end),
            target_type=kind,
            **{key: fields[key]},
            item__code=item.code,
        )
        .order_by("-issued_at")
        .first()
    )


def tell(order: RectificationOrder, users, kind: str, key: str, **extra) -> int:
    """Notify `users` of `order` (a message of `kind`, once per `key`), linking to the order's page."""
    return notify.send(
        users, kind, params=notice_params(order, **extra), url=order.get_absolute_url(), key=key
    )


def notice_params(order: RectificationOrder, **extra) -> dict:
    return {
        "number": order.number,
        "target": str(order.target),
        "problem": order.summary[:80],
        "deadline": order.deadline.isoformat(),
        **extra,
    }


def _event(order, step, from_state, to_state, *, by, at, note="", data=None) -> RectificationEvent:
    user = by if getattr(by, "is_authenticated", False) else None
    return RectificationEvent.objects.create(
        order=order,
        step=step,
        from_state=from_state,
        to_state=to_state,
        by=user,
        by_repr=(str(user) if user else _("system"))[:150],
        at=at,
        face=audit.current_face(),
        note=(note or "")[:500],
        data=data or {},
    )


# --- who may take which step --------------------------------------------------------------------


def _covers(assignment, path: str) -> bool:
    area = assignment.area
    return area is not None and area.closed_on is None and path.startswith(area.path)


def capacities(user, order: RectificationOrder) -> set[str]:
    """In which capacities `user` acts on `order`: the responsible unit, the verifier (the
    inspector covering the place or the level above the unit), both or neither."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {Capacity.RESPONSIBLE, Capacity.VERIFIER}
    found: set[str] = set()
    responsible_path = order.responsible_area.path if order.responsible_area_id else None
    for a in scoping._assignments(user):
        role = a.role
        # the unit addressed
        if (
            order.responsible == Responsible.SITE
            and (
                (role == Role.SITE_MANAGER and a.site_id == order.site_id)
                or (role == Role.COMMUNITY_ADMIN and responsible_path and _covers(a, responsible_path))
            )
            or (
                order.responsible == Responsible.COMMUNITY
                and role == Role.COMMUNITY_ADMIN
                and responsible_path
                and _covers(a, responsible_path)
            )
            or (
                order.responsible == Responsible.STREET
                and role == Role.STREET_ADMIN
                and responsible_path
                and _covers(a, responsible_path)
            )
            or (
                order.responsible == Responsible.HAULER
                and role == Role.HAULER
                and a.hauler_id == order.hauler_id
            )
            or (
                order.responsible == Responsible.AUTHORITY
                and role == Role.AUTHORITY
                and a.authority_id == order.authority_id
            )
        ):
            found.add(Capacity.RESPONSIBLE)
        # the verifier: the inspector over the place, the district office, a street over a unit below it
        if (
            role in (Role.INSPECTOR, Role.DISTRICT_ADMIN)
            and _covers(a, order.area_path)
            or (
                role == Role.STREET_ADMIN
                and order.responsible != Responsible.STREET
                and _covers(a, order.area_path)
            )
        ):
            found.add(Capacity.VERIFIER)
    return found


def waiting_q(user) -> Q | None:
    """The orders waiting for `user`, as a filter (None: none): open orders addressed to a unit it
    answers for, and rectified orders it verifies — the same rule as `capacities`, for lists.
    Apply it to `for_user(user, "change", …)`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q(state__in=[*OPEN_STATES, OrderState.SUBMITTED])
    open_, submitted = Q(state__in=OPEN_STATES), Q(state=OrderState.SUBMITTED)
    combined: Q | None = None

    def add(q: Q) -> None:
        nonlocal combined
        combined = q if combined is None else combined | q

    for a in scoping._assignments(user):
        role, area = a.role, a.area
        live = area is not None and area.closed_on is None
        if role == Role.SITE_MANAGER:
            add(open_ & Q(responsible=Responsible.SITE, site_id=a.site_id))
        elif role == Role.HAULER:
            add(open_ & Q(responsible=Responsible.HAULER, hauler_id=a.hauler_id))
        elif role == Role.AUTHORITY:
            add(open_ & Q(responsible=Responsible.AUTHORITY, authority_id=a.authority_id))
        elif role == Role.COMMUNITY_ADMIN and live:
            add(
                open_
                & Q(responsible__in=[Responsible.SITE, Responsible.COMMUNITY])
                & scoping.subtree_q("responsible_area__path", area.path)
            )
        elif role == Role.STREET_ADMIN and live:
            add(
                open_
                & Q(responsible=Responsible.STREET)
                & scoping.subtree_q("responsible_area__path", area.path)
            )
            add(submitted & ~Q(responsible=Responsible.STREET) & scoping.subtree_q("area_path", area.path))
        if role in (Role.INSPECTOR, Role.DISTRICT_ADMIN) and live:
            add(submitted & scoping.subtree_q("area_path", area.path))
    return combined


def waiting_for(user, queryset=None):
    """The orders waiting for `user` (read through the scoping function)."""
    queryset = queryset if queryset is not None else RectificationOrder.objects.all()
    q = waiting_q(user)
    if q is None:
        return queryset.none()
    return scoping.for_user(user, Action.CHANGE, queryset).filter(q)


def allowed_steps_many(user, orders) -> dict[int, list[str]]:
    """{order pk: the steps `user` may take on it now}: one query for the change action on all the
    orders, then the capacities and the transitions table per order (no further query)."""
    orders = list(orders)
    if not orders:
        return {}
    may_change = set(
        scoping.for_user(
            user, Action.CHANGE, RectificationOrder.objects.filter(pk__in=[o.pk for o in orders])
        ).values_list("pk", flat=True)
    )
    out = {}
    for order in orders:
        mine = capacities(user, order) if order.pk in may_change else set()
        out[order.pk] = [
            step
            for step, (sources, _to, capacity) in TRANSITIONS.items()
            if capacity in mine and order.state in sources
        ]
    return out


def allowed_steps(user, order: RectificationOrder) -> list[str]:
    """The steps `user` may take on `order` now (for buttons)."""
    return allowed_steps_many(user, [order])[order.pk]


def responsible_users(order: RectificationOrder):
    """The active users who answer for `order` (for notifications)."""
    q = Q(pk__in=[])
    if order.responsible == Responsible.SITE:
        q = Q(role=Role.SITE_MANAGER, site_id=order.site_id)
        if order.responsible_area_id:
            q |= Q(role=Role.COMMUNITY_ADMIN, area_id=order.responsible_area_id)
    elif order.responsible == Responsible.COMMUNITY:
        q = Q(role=Role.COMMUNITY_ADMIN, area_id=order.responsible_area_id)
    elif order.responsible == Responsible.STREET:
        q = Q(role=Role.STREET_ADMIN, area_id=order.responsible_area_id)
    elif order.responsible == Responsible.HAULER:
        q = Q(role=Role.HAULER, hauler_id=order.hauler_id)
    elif order.responsible == Responsible.AUTHORITY:
        q = Q(role=Role.AUTHORITY, authority_id=order.authority_id)
    return _users(q)


def _users(q: Q):
    from fenlei.accounts.models import RoleAssignment, User

    ids = RoleAssignment.objects.filter(q, active=True).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def escalation_recipients(order: RectificationOrder, level: int):
    """The street's administrators (level 1) or the district office (level 2) over the order."""
    path = order.area_path
    parts = [p for p in path.split(".") if p]
    if level == Escalation.STREET:
        street = street_of(order.area)
        if street is None:
            return []
        return _users(Q(role=Role.STREET_ADMIN, area_id=street.pk))
    ancestors = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
    return _users(Q(role=Role.DISTRICT_ADMIN, area__path__in=ancestors, area__depth__lte=1))


# --- the one service that moves an order ---------------------------------------------------------


def transition(
    order: RectificationOrder | int,
    step: str,
    *,
    by,
    note: str = "",
    photos: list[PhotoIn] = (),
    responsible: str | None = None,
    responsible_area: Area | None = None,
    hauler_id: int | None = None,
    authority_id: int | None = None,
    now: datetime.datetime | None = None,
) -> RectificationOrder:
    """Take `step` on `order` as `by` (None: the system), or refuse with a clear error and change nothing."""
    now = now or timezone.now()
    if step not in TRANSITIONS:
        raise ValidationError(
            {"step": _("“{step}” is not a step of a rectification order.").format(step=step)}
        )
    sources, target_state, capacity = TRANSITIONS[step]
    pk = order.pk if isinstance(order, RectificationOrder) else order
    prepared = []
    if step == Step.ANSWER:
        files = [p for p in photos if p.file is not None]
        if not files:
            raise ValidationError(
                {"photos": _("Answer with at least one photo taken after the rectification.")}
            )
        prepared = attachments.prepare(
            RectificationOrder,
            "after",
            [p.file for p in files],
            [attachments.Capture(p.taken_at, p.latitude, p.longitude, "") for p in files],
            label="photos",
        )
    if step in (Step.RETURN, Step.REROUTE) and not (note or "").strip():
        raise ValidationError({"note": _("Say why: the reason is kept with the order.")})
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = (
                RectificationOrder.objects.select_for_update(of=("self",))
                .select_related("area", "responsible_area", "site")
                .get(pk=pk)
            )
            if capacity == Capacity.SYSTEM:
                if by is not None:
                    raise PermissionDenied(_("This step is taken by the system when a deadline passes."))
            else:
                if by is None or not scoping.can(by, Action.CHANGE, locked):
                    raise PermissionDenied(_("You may not act on this rectification order."))
                if capacity not in capacities(by, locked):
                    raise PermissionDenied(
                        _("Only {who} may take the step “{step}”.").format(
                            who=Capacity(capacity).label, step=Step(step).label
                        )
                    )
            if locked.state not in sources:
                raise ValidationError(
                    {
                        "step": _("The order is “{state}”: it cannot be “{step}”.").format(
                            state=locked.get_state_display(), step=Step(step).label
                        )
                    }
                )
            before = locked.state
            changes: dict = {"state": [before, target_state]} if before != target_state else {}
            data: dict = {}
            if step == Step.REROUTE:
                data = _reroute(locked, responsible, responsible_area, hauler_id, authority_id, changes)
                locked.deadline = deadline_for(locked.severity, timezone.localtime(now).date())
                changes["deadline"] = [None, locked.deadline.isoformat()]
            if step == Step.ANSWER:
                locked.answered_at = now
            if step == Step.VERIFY:
                locked.closed_at = now
            if step == Step.RETURN:
                locked.answered_at = None
            if step == Step.OVERDUE:
                locked.went_overdue = True
            if step == Step.ESCALATE:
                level = escalation_level(locked)
                changes["escalation"] = [locked.escalation, int(level)]
                data["level"] = int(level)
                locked.escalation = level
                locked.escalated_at = now
            locked.state = target_state
            locked.save()
            event = _event(locked, step, before, target_state, by=by, at=now, note=note, data=data)
            if prepared:
                for p in prepared:
                    p.part = str(event.pk)
                stored = attachments.store(
                    row=locked, slot="after", prepared=prepared, by=by, written=written
                )
                spot = stored[0]
                moved = distance_m(spot.latitude, spot.longitude, locked.latitude, locked.longitude)
                if moved is not None:
                    event.data = {**event.data, "distance_m": moved}
                    event.save(update_fields=["data"])
            audit.log(locked, AuditAction.UPDATE, by=by, changes=changes, note=note or Step(step).label)
            _announce(locked, step, note=note, data=data)
    except BaseException:
        attachments.discard(written)
        raise
    return locked


def escalation_level(order: RectificationOrder) -> int:
    """Where an overdue order goes next: the street first; the district when the street has had it,
    when it is the street's own order, or when the place lies in no street (a vehicle)."""
    if (
        order.escalation >= Escalation.STREET
        or order.responsible == Responsible.STREET
        or street_of(order.area) is None
    ):
        return Escalation.DISTRICT
    return Escalation.STREET


def _reroute(order, responsible, area, hauler_id, authority_id, changes) -> dict:
    if responsible not in Responsible.values:
        raise ValidationError({"responsible": _("Choose the unit the order goes to.")})
    new = {
        "responsible": responsible,
        "responsible_area": None,
        "hauler_id": order.hauler_id,
        "authority_id": order.authority_id,
    }
    if responsible in (Responsible.SITE,):
        if order.site_id is None:
            raise ValidationError({"responsible": _("This target is not a site.")})
        new["responsible_area"] = order.site.community
    elif responsible in (Responsible.COMMUNITY, Responsible.STREET):
        level = AreaLevel.COMMUNITY if responsible == Responsible.COMMUNITY else AreaLevel.STREET
        area = area or (order.area if responsible == Responsible.COMMUNITY else street_of(order.area))
        if (
            area is None
            or area.level != level
            or not (order.area_path.startswith(area.path) or area.path.startswith(order.area_path))
        ):
            raise ValidationError({"responsible_area": _("Choose the community or street of this place.")})
        new["responsible_area"] = area
    elif responsible == Responsible.HAULER:
        if not hauler_id:
            raise ValidationError({"hauler": _("Choose the hauler.")})
        new["hauler_id"] = int(hauler_id)
    elif responsible == Responsible.AUTHORITY:
        new["authority_id"] = int(authority_id or order.authority_id or 0) or None
        if new["authority_id"] is None:
            raise ValidationError({"authority": _("Choose the industry authority.")})
    old = {
        "responsible": order.responsible,
        "area": order.responsible_area_id,
        "hauler": order.hauler_id,
        "authority": order.authority_id,
    }
    if (
        new["responsible"] == order.responsible
        and (new["responsible_area"].pk if new["responsible_area"] else None) == order.responsible_area_id
        and new["hauler_id"] == order.hauler_id
        and new["authority_id"] == order.authority_id
    ):
        raise ValidationError({"responsible": _("The order is already addressed to this unit.")})
    order.responsible = new["responsible"]
    order.responsible_area = new["responsible_area"]
    order.hauler_id = new["hauler_id"]
    order.authority_id = new["authority_id"]
    changes["responsible"] = [old["responsible"], order.responsible]
    return {
        "from": old,
        "to": {
            "responsible": order.responsible,
            "area": order.responsible_area_id,
            "hauler": order.hauler_id,
            "authority": order.authority_id,
        },
    }


def _announce(order: RectificationOrder, step: str, *, note: str, data: dict) -> None:
    if step == Step.RETURN:
        tell(
            order,
            responsible_users(order),
            notices.ORDER_RETURNED,
            f"order_returned:{order.pk}:{order.events.count()}",
            note=note[:120],
        )
    elif step == Step.ANSWER:
        verifiers = [order.issued_by] if order.issued_by_id else []
        tell(order, verifiers, notices.ORDER_ANSWERED, f"order_answered:{order.pk}:{order.events.count()}")
    elif step == Step.REROUTE:
        tell(
            order, responsible_users(order), notices.ORDER_NEW, f"order_new:{order.pk}:{order.events.count()}"
        )
    elif step == Step.OVERDUE:
        users = responsible_users(order) + ([order.issued_by] if order.issued_by_id else [])
        tell(order, users, notices.ORDER_OVERDUE, f"order_overdue:{order.pk}:{order.deadline}")
    elif step == Step.ESCALATE:
        level = data.get("level", order.escalation)
        tell(
            order,
            escalation_recipients(order, level),
            notices.ORDER_ESCALATED,
            f"order_escalated:{order.pk}:{level}",
            level=str(Escalation(level).label),
        )


# --- deadlines (daily) --------------------------------------------------------------------------


@dataclass
class DeadlineRun:
    overdue: int = 0
    to_street: int = 0
    to_district: int = 0
    reminded: int = 0


def run_deadlines(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> DeadlineRun:
    """Mark the orders past their deadline overdue and escalate them to the street; send on to the
    district those the street has held for FENLEI_ESCALATE_DISTRICT_WORKDAYS working days; remind
    the units of orders due tomorrow. Safe to run again: nothing is done twice."""
    if now is None:
        # a run for a given day is dated early that day, so its steps and their working days agree
        now = (
            timezone.make_aware(datetime.datetime.combine(today, datetime.time(6, 0)))
            if today
            else timezone.now()
        )
    today = today or timezone.localtime(now).date()
    run = DeadlineRun()
    late = RectificationOrder.objects.filter(
        state__in=[OrderState.PENDING, OrderState.IN_PROGRESS, OrderState.RETURNED], deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in list(late.iterator()):
        order = transition(pk, Step.OVERDUE, by=None, now=now)
        run.overdue += 1
        if order.escalation == Escalation.NONE:
            order = transition(pk, Step.ESCALATE, by=None, now=now)
            if order.escalation == Escalation.STREET:
                run.to_street += 1
            else:
                run.to_district += 1
    cutoff_days = settings.FENLEI_ESCALATE_DISTRICT_WORKDAYS
    held = RectificationOrder.objects.filter(
        state=OrderState.OVERDUE, escalation=Escalation.STREET
    ).values_list("pk", "escalated_at")
    for pk, at in list(held.iterator()):
        since = timezone.localtime(at).date() if at else today
        if workdays.add_workdays(since, cutoff_days) <= today:
            transition(pk, Step.ESCALATE, by=None, now=now)
            run.to_district += 1
    overdue_never_escalated = RectificationOrder.objects.filter(
        state=OrderState.OVERDUE, escalation=Escalation.NONE
    ).values_list("pk", flat=True)
    for pk in list(overdue_never_escalated.iterator()):
        order = transition(pk, Step.ESCALATE, by=None, now=now)
        if order.escalation == Escalation.STREET:
            run.to_street += 1
        else:
            run.to_district += 1
    tomorrow = today + datetime.timedelta(days=1)
    for order in RectificationOrder.objects.filter(
        state__in=OPEN_STATES - {OrderState.OVERDUE}, deadline=tomorrow
    ).select_related("site", "dropoff", "vehicle"):
        with transaction.atomic():
            run.reminded += bool(
                tell(
                    order,
                    responsible_users(order),
                    notices.ORDER_DUE,
                    f"order_due:{order.pk}:{order.deadline}",
                )
            )
    return run
