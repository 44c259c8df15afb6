"""The inspector's pages: pick a target (nearby, planned, searched), fill its checklist on a phone,
send it (the endpoint the page's script posts to), the list of inspections and one inspection's page.

The views only read (through the scoping function) and parse; `services.submit` decides.
"""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views import View

from fenlei.core import attachments
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user
from fenlei.core.views import ScopedDetailView, ScopedListView
from fenlei.core.views_attachments import FileView
from fenlei.inspections import services, targets
from fenlei.inspections.choices import Concern, Responsible, Result, TargetType
from fenlei.inspections.filtersets_inspect import InspectionFilterSet
from fenlei.inspections.geo import distance_m
from fenlei.inspections.models import Inspection, PlanEntry, RectificationOrder
from fenlei.org.models import Hauler

NAV = {"nav_active": "inspections"}
#: How many targets the nearby list and each kind of search result show.
NEARBY_LIMIT = 30
SEARCH_LIMIT = 20
#: The squares tried around the phone, smallest first, until enough targets are found (metres).
NEARBY_RADII = (1_000, 5_000, 25_000)


def _require_inspector(user) -> None:
    """403 for a signed-in user who may inspect nowhere."""
    if not can_anywhere(user, Action.ADD, Inspection):
        raise PermissionDenied


def form_url(target_type: str, target_id: int) -> str:
    return reverse("inspections:inspect-form", args=[target_type, target_id])


# --- picking a target -----------------------------------------------------------------------------


def nearby_targets(user, lat: float, lng: float, *, limit: int = NEARBY_LIMIT) -> list[dict]:
    """The targets `user` may inspect near the phone, nearest first, as the page lists them."""
    return [
        _target_row(kind, t, _kind_label(kind, t), lat, lng)
        for kind, t, _d in targets.nearby(user, lat, lng, radii=NEARBY_RADII, limit=limit)
    ]


def _kind_label(kind: str, target) -> str:
    if kind == TargetType.SITE:
        return str(target.kind)
    if kind == TargetType.VEHICLE:
        return target.hauler.name
    return str(TargetType.DROPOFF.label)


def _target_row(target_type: str, target, kind: str, lat=None, lng=None) -> dict:
    distance = distance_m(lat, lng, target.latitude, target.longitude)
    name = str(target)
    if target_type == TargetType.DROPOFF and target.site_id:
        name = f"{target.site.name} · {target.name}"
    return {
        "type": target_type,
        "id": target.pk,
        "name": name,
        "code": getattr(target, "code", "") or "",
        "kind": str(kind),
        "distance_m": distance,
        "url": form_url(target_type, target.pk),
    }


def search_targets(user, q: str) -> list[dict]:
    """Targets `user` may inspect whose code or name (a site's, a point's) or plate contains `q`."""
    if not q.strip():
        return []
    return [
        _target_row(kind, t, _kind_label(kind, t)) for kind, t in targets.search(user, q, limit=SEARCH_LIMIT)
    ]


class StartView(LoginRequiredMixin, View):
    """Pick a target: today's planned visits, the targets nearby (asked by the page's script), a search."""

    def get(self, request):
        _require_inspector(request.user)
        today = timezone.localdate()
        plan = list(
            for_user(
                request.user,
                Action.VIEW,
                PlanEntry.objects.filter(inspector=request.user, day=today).select_related(
                    "site", "dropoff", "vehicle", "inspection"
                ),
            )
        )
        q = request.GET.get("q", "").strip()
        ctx = {
            **NAV,
            "title": _("Start an inspection"),
            "plan": [
                {
                    "entry": e,
                    "url": form_url(e.target_type, e.target.pk) if e.target else "",
                    "done": getattr(e, "inspection", None),
                }
                for e in plan
            ],
            "q": q,
            "results": search_targets(request.user, q) if q else None,
            "nearby_url": reverse("inspections:inspect-nearby"),
            "submit_url": reverse("inspections:inspect-submit"),
            "list_url": reverse("inspections:inspection-list"),
            "messages_js": js_messages(),
        }
        return render(request, "inspections/inspect_start.html", ctx)


def _coordinate(raw, low, high):
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


class NearbyView(LoginRequiredMixin, View):
    """JSON: the targets the user may inspect, nearest first (`?lat=..&lng=..`)."""

    def get(self, request):
        _require_inspector(request.user)
        lat = _coordinate(request.GET.get("lat"), -90, 90)
        lng = _coordinate(request.GET.get("lng"), -180, 180)
        if lat is None or lng is None:
            return JsonResponse(
                {"errors": {"position": [_("Give the position as lat and lng in degrees.")]}}, status=400
            )
        return JsonResponse({"targets": nearby_targets(request.user, lat, lng)})


# --- the checklist ----------------------------------------------------------------------------------


def read_target(user, target_type: str, target_id):
    """The target `user` may inspect: 404 when it cannot see it, 403 when it may not inspect it there,
    a ValidationError when it is closed."""
    if target_type not in TargetType.values:
        raise Http404
    try:
        return services.get_target(user, target_type, target_id)
    except ValidationError as exc:
        code = services.target_refusal(exc)
        if code == services.TARGET_MISSING:
            raise Http404 from None
        if code == services.TARGET_OUTSIDE:
            _require_inspector(user)
            raise PermissionDenied(" ".join(exc.messages)) from None
        raise


class FormView(LoginRequiredMixin, View):
    """The checklist of one target, filled on the phone (the page's script keeps the draft)."""

    def get(self, request, target_type, target_id):
        try:
            target = read_target(request.user, target_type, target_id)
        except ValidationError as exc:
            return self.refuse(request, exc.messages)
        version = services.template_for(target_type, target)
        if version is None:
            return self.refuse(request, [_("No checklist is in use for this kind of target.")])
        items = list(version.items.all())
        groups: dict[str, list] = {}
        for item in items:
            groups.setdefault(item.concern, []).append(item)
        labels = dict(Concern.choices)
        haulers, default_hauler = [], None
        if target_type == TargetType.SITE and any(i.responsible == Responsible.HAULER for i in items):
            district = target.community.path.split(".")[0]
            haulers = list(
                for_user(request.user, Action.VIEW, Hauler)
                .filter(closed_on__isnull=True, area_path__startswith=f"{district}.")
                .order_by("name", "pk")
            )
            default_hauler = services.default_hauler(target)
        coords = (target.latitude, target.longitude)
        config = {
            "targetType": target_type,
            "targetId": target.pk,
            "versionId": version.pk,
            "submitUrl": reverse("inspections:inspect-submit"),
            "startUrl": reverse("inspections:inspect-start"),
            "threshold": settings.FENLEI_PURITY_THRESHOLD_PCT,
            "target": [float(c) if c is not None else None for c in coords],
            "title": str(target),
            "url": request.path,
        }
        ctx = {
            **NAV,
            "title": _("Inspection of {target}").format(target=target),
            "target": target,
            "target_type": target_type,
            "target_kind": TargetType(target_type).label,
            "version": version,
            "groups": [(labels.get(c, c), rows) for c, rows in groups.items()],
            "haulers": haulers,
            "default_hauler": default_hauler,
            "threshold": settings.FENLEI_PURITY_THRESHOLD_PCT,
            "config": config,
            "has_position": None not in coords,
            "messages_js": js_messages(),
            "result_labels": dict(Result.choices),
        }
        return render(request, "inspections/inspect_form.html", ctx)

    def refuse(self, request, messages_: list[str]):
        ctx = {**NAV, "title": _("This target cannot be inspected"), "errors": messages_}
        return render(request, "inspections/inspect_refused.html", ctx, status=400)


# --- the endpoint the page posts to -----------------------------------------------------------------


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in ValidationError(v).messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _moment(raw: str, field: str, errors: dict):
    if not raw:
        return None
    value = parse_datetime(raw.strip())
    if value is None:
        errors.setdefault(field, []).append(
            _("“{value}” is not a date and time (ISO 8601).").format(value=raw[:40])
        )
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _number(raw, field: str, errors: dict, *, kind=float):
    if raw in (None, ""):
        return None
    try:
        return kind(float(raw)) if kind is int else float(raw)
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("“{value}” is not a number.").format(value=str(raw)[:40]))
        return None


def parse_submission(post, files) -> tuple[dict, dict[str, list[str]]]:
    """The keyword arguments of `services.submit` from the posted form, and what could not be read."""
    errors: dict[str, list[str]] = {}
    for name in ("client_id", "target_type", "target_id"):
        if not post.get(name, "").strip():
            errors.setdefault(name, []).append(_("This field is required."))
    answers = []
    try:
        raw = json.loads(post.get("answers") or "[]")
        if not isinstance(raw, list):
            raise ValueError
        for a in raw:
            if not isinstance(a, dict) or not a.get("code"):
                raise ValueError
            hauler = a.get("hauler_id")
            answers.append(
                services.AnswerIn(
                    code=str(a["code"]),
                    result=str(a.get("result") or ""),
                    note=str(a.get("note") or "")[:500],
                    purity=a.get("purity") or [],
                    hauler_id=int(hauler) if str(hauler or "").isdigit() else None,
                )
            )
    except (ValueError, TypeError):
        errors.setdefault("answers", []).append(
            _("The answers are not a list of items with their code (JSON).")
        )
    photos = []
    uploads = files.getlist("photo")
    try:
        meta = json.loads(post.get("photo_meta") or "[]")
        if not isinstance(meta, list) or not all(isinstance(m, dict) for m in meta):
            raise ValueError
    except (ValueError, TypeError):
        meta = []
        errors.setdefault("photo_meta", []).append(_("The photos' details are not a list (JSON)."))
    if uploads and len(meta) != len(uploads):
        errors.setdefault("photo_meta", []).append(
            _("{files} photos came with details for {meta}.").format(files=len(uploads), meta=len(meta))
        )
    for upload, m in zip(uploads, meta, strict=False):
        photos.append(
            services.PhotoIn(
                file=upload,
                code=str(m.get("code") or "")[:40],
                taken_at=_moment(str(m.get("taken_at") or ""), "photos", errors),
                latitude=_number(m.get("latitude"), "photos", errors),
                longitude=_number(m.get("longitude"), "photos", errors),
            )
        )
    kwargs = {
        "client_id": post.get("client_id", "").strip(),
        "target_type": post.get("target_type", "").strip(),
        "target_id": post.get("target_id", "").strip(),
        "version_id": _number(post.get("version_id"), "version_id", errors, kind=int),
        "started_at": _moment(post.get("started_at", ""), "started_at", errors),
        "finished_at": _moment(post.get("finished_at", ""), "finished_at", errors),
        "latitude": _number(post.get("latitude"), "latitude", errors),
        "longitude": _number(post.get("longitude"), "longitude", errors),
        "accuracy_m": _number(post.get("accuracy_m"), "accuracy_m", errors, kind=int),
        "note": post.get("note", "")[:2000],
        "answers": answers,
        "photos": photos,
    }
    if kwargs["accuracy_m"] is not None and kwargs["accuracy_m"] < 0:
        kwargs["accuracy_m"] = None
    return kwargs, errors


def result_json(inspection: Inspection, created: bool) -> dict:
    orders = RectificationOrder.objects.filter(inspection=inspection).order_by("pk")
    return {
        "id": inspection.pk,
        "url": inspection.get_absolute_url(),
        "created": created,
        "score": str(inspection.score),
        "passed": inspection.passed,
        "vetoed": inspection.vetoed,
        "problems": inspection.problems,
        "far": inspection.far,
        "distance_m": inspection.distance_m,
        "orders": [{"number": o.number, "url": o.get_absolute_url()} for o in orders],
    }


class SubmitView(LoginRequiredMixin, View):
    """POST (multipart, session + CSRF): one whole inspection from the phone; JSON back."""

    http_method_names = ["post"]

    def post(self, request):
        if not can_anywhere(request.user, Action.ADD, Inspection):
            return JsonResponse({"errors": {"__all__": [_("You may not inspect.")]}}, status=403)
        kwargs, errors = parse_submission(request.POST, request.FILES)
        if errors:
            return JsonResponse({"errors": errors}, status=400)
        try:
            inspection, created = services.submit(by=request.user, **kwargs)
        except ValidationError as exc:
            status = {services.TARGET_MISSING: 404, services.TARGET_OUTSIDE: 403}.get(
                services.target_refusal(exc), 400
            )
            return JsonResponse({"errors": _errors(exc)}, status=status)
        return JsonResponse(result_json(inspection, created), status=201 if created else 200)


# --- the list and one inspection ----------------------------------------------------------------------


class InspectionListView(ScopedListView):
    model = Inspection
    filterset_class = InspectionFilterSet
    template_name = "inspections/inspection_list.html"
    extra_context = NAV

    def get(self, request, *args, **kwargs):
        if not can_anywhere(request.user, Action.VIEW, Inspection):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return Inspection.objects.select_related("site", "dropoff", "vehicle", "inspector", "area")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Inspections")
        return ctx


def _place(att) -> tuple | None:
    if att.latitude is None or att.longitude is None:
        return None
    return (att.latitude, att.longitude)


class InspectionDetailView(ScopedDetailView):
    model = Inspection
    template_name = "inspections/inspection_detail.html"
    extra_context = NAV

    def get_base_queryset(self):
        return Inspection.objects.select_related(
            "site", "dropoff", "vehicle", "inspector", "area", "version__template", "hauler"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        inspection = self.object
        target = inspection.target
        photos: dict[str, list] = {}
        for att in attachments.of_row(inspection, "photo").order_by("pk"):
            photos.setdefault(att.part, []).append(
                {
                    "file": att,
                    "url": reverse("inspections:inspection-file", args=[inspection.pk, att.pk]),
                    "thumb_url": reverse("inspections:inspection-thumb", args=[inspection.pk, att.pk])
                    if att.thumbnail
                    else "",
                    "distance_m": distance_m(
                        att.latitude,
                        att.longitude,
                        target.latitude,
                        target.longitude,
                    ),
                }
            )
        answers = [
            {"answer": a, "item": a.item, "photos": photos.pop(a.item.code, [])}
            for a in inspection.answers.select_related("item").order_by("item__position")
        ]
        orders = for_user(
            self.request.user, Action.VIEW, RectificationOrder.objects.filter(inspection=inspection)
        ).order_by("pk")
        all_orders = RectificationOrder.objects.filter(inspection=inspection).count()
        ctx.update(
            {
                "title": str(inspection),
                "target": target,
                "answers": answers,
                "other_photos": [p for rows in photos.values() for p in rows],
                "orders": list(orders),
                "hidden_orders": all_orders - len(orders),
                "far_metres": settings.FENLEI_INSPECTION_FAR_METRES,
                "duration": _minutes(inspection.finished_at - inspection.started_at),
            }
        )
        return ctx


def _minutes(delta: datetime.timedelta) -> int:
    return max(0, round(delta.total_seconds() / 60))


class InspectionFileView(FileView):
    def get_base_queryset(self):
        return Inspection.objects.all()


class InspectionThumbView(InspectionFileView):
    thumbnail = True


def js_messages() -> dict[str, str]:
    """The page script's words, translated here (the script itself holds no text)."""
    return {
        "queued": _("Saved on this phone; it is sent automatically once online."),
        "sending": _("Sending…"),
        "sent": _("Inspection sent."),
        "already": _("This inspection had already been received."),
        "fixErrors": _("The inspection was not kept: correct what is marked."),
        "failed": _(
            "The server did not keep the inspection (error {status}); the draft stays on this phone."
        ),
        "locating": _("Finding your position…"),
        "noPosition": _("The position is unknown: search by name or code."),
        "noneNearby": _("No target you may inspect lies nearby."),
        "far": _("far from the target"),
        "score": _("Score"),
        "passed": _("passed"),
        "failedResult": _("failed"),
        "orders": _("Rectification orders issued"),
        "open": _("Open the inspection"),
        "another": _("Start another inspection"),
        "outboxEmpty": _("No drafts are waiting on this phone."),
        "waiting": _("waiting to be sent"),
        "draft": _("draft, not sent"),
        "sendNow": _("Send now"),
        "remove": _("Remove"),
        "pass": _("pass"),
        "fail": _("problem"),
        "bin": _("Bin {n} (%)"),
        "photoOf": _("Photo"),
        "position": _("Position: {lat}, {lng} (±{acc} m)"),
        "positionFar": _("{m} m from the target"),
        "restored": _("The draft kept on this phone was restored."),
        "resizeFailed": _("“{name}” could not be read as a photo."),
        "metres": _("{m} m"),
    }
