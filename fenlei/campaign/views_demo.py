"""The demonstration sites' pages (示范点): the campaign's list with the units still lacking a kind,
the community's application, one site's page (timeline, files, history) and each step's form — the
scoring sheet for the acceptance inspection and the re-check.

Every read goes through the scoping function (404 outside the scope). A step needs the capacity the
rules give it (`choices.DEMO_TRANSITIONS`, `services.demo_capacities`: 403 without it) and must be
one the site's state allows (400 otherwise); `services.apply_demo` and `services.demo_step` decide
the rest, and a refusal of theirs shows the form again (400) with its reasons.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fenlei.campaign import rules, selectors, services
from fenlei.campaign.choices import (
    DEMO_LIVE,
    DEMO_SCORED,
    DEMO_SITE_KINDS,
    DEMO_TRANSITIONS,
    Capacity,
    DemoKind,
    DemoState,
    DemoStep,
)
from fenlei.campaign.forms_demo import ApplyForm, DemoFilterSet, SheetForm, step_form
from fenlei.campaign.models import Campaign, DemoSite, Item
from fenlei.campaign.places import BadArea, areas_above, campaign_area
from fenlei.core import attachments, audit
from fenlei.core.models import Attachment, AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user, get_for_user, subtree_q
from fenlei.core.views import attach_errors
from fenlei.inspections import services as inspections
from fenlei.inspections.choices import Responsible, Result, TargetType
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.models import Area, Hauler, Site

NAV = {"nav_active": "campaign"}
#: The units still lacking a demonstration site that the list shows (the count gives them all).
LACKING_SHOWN = 50
#: A named site's re-check is "coming up" this many days ahead.
RECHECK_SOON_DAYS = 30
#: The entries of a site's audit history its page shows.
HISTORY_SHOWN = 50

COMMUNITY_KINDS = [k for k, level in KIND_LEVEL.items() if level == AreaLevel.COMMUNITY]
DEMO_SITE_CODES = [code for codes in DEMO_SITE_KINDS.values() for code in codes]


def _demos():
    return DemoSite.objects.select_related(
        "campaign", "campaign__area", "site", "site__kind", "area", "area__parent", "inspection"
    )


def _campaign(user, pk) -> Campaign:
    return get_for_user(user, Action.VIEW, Campaign.objects.select_related("area"), pk=pk)


def community_paths(user, area: Area) -> list[str]:
    """The paths of the open communities under `area` (itself included) for which `user` acts as the
    community: it applies for their sites."""
    paths = (
        for_user(user, Action.VIEW, Area)
        .filter(subtree_q("path", area.path), kind__in=COMMUNITY_KINDS, closed_on__isnull=True)
        .values_list("path", flat=True)
    )
    return [p for p in paths if Capacity.COMMUNITY in services.demo_capacities(user, p)]


def place(request, campaign: Campaign) -> Area:
    """The area the list looks at (`?area=`; see `places.campaign_area`)."""
    return campaign_area(request.user, campaign, request.GET.get("area"))


def list_url(campaign: Campaign, area: Area | None = None, **query) -> str:
    url = reverse("campaign:demo-list", args=[campaign.pk])
    params = {"area": area.pk} if area is not None else {}
    params.update({k: v for k, v in query.items() if v})
    return url + ("?" + urlencode(params) if params else "")


def area_crumbs(user, campaign: Campaign, area: Area) -> list[dict]:
    """The campaign, then the areas from the campaign's down to `area` that the user may open."""
    crumbs = [{"label": campaign.name, "url": campaign.get_absolute_url()}]
    for a in areas_above(user, campaign, area):
        crumbs.append({"label": a.name, "url": list_url(campaign, a)})
    crumbs.append({"label": area.name, "url": None})
    return crumbs


def recheck_flag(demo: DemoSite, today) -> str:
    """Where a named site's re-check stands: due (its date has come), soon (within
    RECHECK_SOON_DAYS) or neither ("")."""
    if demo.state != DemoState.NAMED or demo.recheck_due is None:
        return ""
    days = (demo.recheck_due - today).days
    if days <= 0:
        return "due"
    return "soon" if days <= RECHECK_SOON_DAYS else ""


# --- the list ----------------------------------------------------------------------------------------


class DemoListView(LoginRequiredMixin, View):
    """The demonstration sites of a campaign in an area, with counts per state, and the streets and
    communities still lacking a kind."""

    http_method_names = ["get"]

    def get(self, request, pk):
        user = request.user
        campaign = _campaign(user, pk)
        try:
            area = place(request, campaign)
        except BadArea as exc:
            return HttpResponseBadRequest(str(exc))
        services.refresh_stale(campaign, area.path)
        today = timezone.localdate()
        in_area = for_user(
            user,
            Action.VIEW,
            DemoSite.objects.filter(campaign=campaign).filter(subtree_q("area_path", area.path)),
        )
        filterset = DemoFilterSet(request.GET or None, queryset=in_area, request=request)
        shown = in_area
        if filterset.is_bound:
            filterset.is_valid()  # a filter with a bad value is left out and named on the page
            shown = filterset.filter_queryset(in_area)
        shown = shown.select_related("site", "site__kind", "area", "area__parent").order_by(
            "area_path", "kind", "pk"
        )
        page = Paginator(shown, settings.FENLEI_PAGE_SIZE).get_page(request.GET.get("page"))
        for demo in page.object_list:
            demo.flag = recheck_flag(demo, today)
        counts = dict(in_area.order_by().values_list("state").annotate(n=Count("pk")))
        states = [
            {
                "state": state,
                "label": label,
                "count": counts.get(state, 0),
                "url": list_url(campaign, area, state=state),
            }
            for state, label in DemoState.choices
        ]
        lacking_qs = for_user(
            user,
            Action.VIEW,
            Item.objects.filter(
                unit__campaign=campaign, requirement__rule=rules.DemoSitesRule.code, met=False
            ).filter(subtree_q("area_path", area.path)),
        )
        lacking = list(
            lacking_qs.select_related("unit__area", "unit__street", "requirement").order_by(
                "unit__level", "area_path", "requirement__position", "pk"
            )[:LACKING_SHOWN]
        )
        for item in lacking:
            item.missing = selectors.missing_demo_kinds(item)
            item.late = item.target_date < today
            item.area_url = list_url(campaign, item.unit.area)
        query = request.GET.copy()
        query.pop("page", None)
        ctx = {
            **NAV,
            "title": _("Demonstration sites"),
            "campaign": campaign,
            "area": area,
            "breadcrumbs": area_crumbs(user, campaign, area),
            "filterset": filterset,
            "query_string": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k not in ("area", "page")),
            "clear_url": list_url(campaign, area),
            "page_obj": page,
            "demos": page.object_list,
            "states": states,
            "total": sum(counts.values()),
            "lacking": lacking,
            "lacking_count": lacking_qs.count() if len(lacking) == LACKING_SHOWN else len(lacking),
            "can_apply": bool(community_paths(user, area)),
            "apply_url": reverse("campaign:demo-apply", args=[campaign.pk]),
            "active_state": request.GET.get("state", ""),
            "kinds": "、".join(str(label) for label in DemoKind.labels),
        }
        return render(request, "campaign/demo_list.html", ctx)


# --- the application -------------------------------------------------------------------------------


class DemoApplyView(LoginRequiredMixin, View):
    """The community applies for one of its sites, with a description and files."""

    http_method_names = ["get", "post"]

    def setup_apply(self, request, pk):
        campaign = _campaign(request.user, pk)
        paths = community_paths(request.user, campaign.area)
        if not paths:
            raise PermissionDenied(_("The community applies for its demonstration sites."))
        sites = (
            for_user(request.user, Action.VIEW, Site)
            .filter(area_path__in=paths, kind__code__in=DEMO_SITE_CODES, closed_on__isnull=True)
            .exclude(pk__in=DemoSite.objects.filter(state__in=DEMO_LIVE).values("site_id"))
            .select_related("kind", "community")
            .order_by("area_path", "name", "pk")
        )
        return campaign, paths, sites

    def render_form(self, request, campaign, paths, form, status=200):
        ours = (
            for_user(request.user, Action.VIEW, DemoSite)
            .filter(campaign=campaign, area_path__in=paths)
            .select_related("site", "area")
            .order_by("area_path", "kind", "pk")
        )
        ctx = {
            **NAV,
            "title": _("Apply for a demonstration site"),
            "campaign": campaign,
            "form": form,
            "ours": list(ours),
            "has_sites": form.fields["site"].queryset.exists(),
            "list_url": list_url(campaign),
            "breadcrumbs": [
                {"label": campaign.name, "url": campaign.get_absolute_url()},
                {"label": _("Demonstration sites"), "url": list_url(campaign)},
                {"label": _("Apply"), "url": None},
            ],
        }
        return render(request, "campaign/demo_apply.html", ctx, status=status)

    def get(self, request, pk):
        campaign, paths, sites = self.setup_apply(request, pk)
        initial = {}
        chosen = request.GET.get("site", "")
        if chosen.isdigit() and sites.filter(pk=int(chosen)).exists():
            initial["site"] = int(chosen)
        return self.render_form(request, campaign, paths, ApplyForm(sites=sites, initial=initial))

    def post(self, request, pk):
        campaign, paths, sites = self.setup_apply(request, pk)
        form = ApplyForm(request.POST, request.FILES, sites=sites)
        if form.is_valid():
            try:
                demo = services.apply_demo(campaign=campaign, by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                # the kind follows from the site: a refusal of the kind is one of the site
                if hasattr(exc, "error_dict") and "kind" in exc.error_dict:
                    exc.error_dict.setdefault("site", []).extend(exc.error_dict.pop("kind"))
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("{site} applied to be a demonstration site; the street reviews it next.").format(
                        site=demo.site.name
                    ),
                )
                return redirect(demo.get_absolute_url())
        return self.render_form(request, campaign, paths, form, status=400)


# --- one site -----------------------------------------------------------------------------------------


def _file_url(demo: DemoSite, attachment: Attachment, *, thumbnail: bool = False) -> str:
    return reverse(
        "campaign:demo-thumbnail" if thumbnail else "campaign:demo-file", args=[demo.pk, attachment.pk]
    )


def files_sections(demo: DemoSite) -> list[dict]:
    """The site's file slots as the core attachments partial shows them (read-only here)."""
    files = list(attachments.of_row(demo))
    sections = []
    for slot in attachments.slots_of(demo):
        items = [
            {
                "file": a,
                "url": _file_url(demo, a),
                "thumb_url": _file_url(demo, a, thumbnail=True) if a.thumbnail else "",
                "remove_url": "",
            }
            for a in files
            if a.slot == slot.name
        ]
        sections.append({"slot": slot, "files": items, "full": False, "can_upload": False})
    return sections


def inspection_url(inspection) -> str:
    if inspection is None:
        return ""
    if hasattr(inspection, "get_absolute_url"):
        return inspection.get_absolute_url()
    return reverse("inspections:inspection-detail", args=[inspection.pk])


def step_url(demo: DemoSite, step: str) -> str:
    return reverse("campaign:demo-step", args=[demo.pk, step])


def site_crumbs(user, demo: DemoSite, last: str | None = None) -> list[dict]:
    campaign = demo.campaign
    crumbs = []
    if for_user(user, Action.VIEW, Campaign).filter(pk=campaign.pk).exists():
        crumbs.append({"label": campaign.name, "url": campaign.get_absolute_url()})
        area = demo.area if for_user(user, Action.VIEW, Area).filter(pk=demo.area_id).exists() else None
        crumbs.append({"label": _("Demonstration sites"), "url": list_url(campaign, area)})
    crumbs.append({"label": demo.site.name, "url": demo.get_absolute_url() if last else None})
    if last:
        crumbs.append({"label": last, "url": None})
    return crumbs


class DemoDetailView(LoginRequiredMixin, View):
    """One site's way: its facts, the steps taken, its application files, what the user may do next
    and the audit history."""

    http_method_names = ["get"]

    def get(self, request, pk):
        demo = get_for_user(request.user, Action.VIEW, _demos(), pk=pk)
        return render(request, "campaign/demo_detail.html", self.context(request, demo))

    def context(self, request, demo: DemoSite) -> dict:
        user = request.user
        events = list(demo.events.select_related("inspection"))
        for e in events:
            e.inspection_url = inspection_url(e.inspection)
        today = timezone.localdate()
        return {
            **NAV,
            "title": str(demo.site),
            "demo": demo,
            "street": demo.area.parent,
            "events": events,
            "steps": [
                {"step": s, "label": DemoStep(s).label, "url": step_url(demo, s)}
                for s in services.allowed_demo_steps(user, demo)
            ],
            "attachment_sections": files_sections(demo),
            "history": list(audit.history(demo)[:HISTORY_SHOWN]),
            "can_audit": can_anywhere(user, Action.AUDIT, AuditEntry),
            "inspection_url": inspection_url(demo.inspection),
            "flag": recheck_flag(demo, today),
            "pass_mark": demo.campaign.demo_pass_mark,
            "breadcrumbs": site_crumbs(user, demo),
        }


# --- the steps --------------------------------------------------------------------------------------------


def _sheet_form(user, demo: DemoSite, version, data=None, files=None) -> SheetForm:
    site = demo.site
    haulers = None
    if any(i.responsible == Responsible.HAULER for i in version.items.all()):
        district = site.area_path.split(".")[0] + "."
        haulers = (
            for_user(user, Action.VIEW, Hauler)
            .filter(closed_on__isnull=True, area_path__startswith=district)
            .order_by("name", "pk")
        )
    return SheetForm(
        data=data,
        files=files,
        version=version,
        haulers=haulers,
        default_hauler=inspections.default_hauler(site) if haulers is not None else None,
    )


def _result_message(demo: DemoSite, step: str) -> str:
    if step in DEMO_SCORED:
        vetoed = demo.inspection is not None and demo.inspection.vetoed
        text = (
            _("Score {score} (pass mark {mark}); an item with a one-vote veto has a problem: {state}.")
            if vetoed
            else _("Score {score} (pass mark {mark}): {state}.")
        )
        return text.format(
            score=demo.score, mark=demo.campaign.demo_pass_mark, state=demo.get_state_display()
        )
    return _("{site}: {step} — now “{state}”.").format(
        site=demo.site.name, step=DemoStep(step).label, state=demo.get_state_display()
    )


class DemoStepView(LoginRequiredMixin, View):
    """GET: the form of one step (the scoring sheet for the acceptance and the re-check); POST: take
    it through `services.demo_step`."""

    http_method_names = ["get", "post"]

    def setup_step(self, request, pk, step) -> DemoSite:
        demo = get_for_user(request.user, Action.VIEW, _demos(), pk=pk)  # 404 outside the scope
        if step not in DEMO_TRANSITIONS or step == DemoStep.APPLY:
            raise Http404
        capacity = DEMO_TRANSITIONS[step][2]
        if capacity not in services.demo_capacities(request.user, demo.area_path):
            raise PermissionDenied(
                _("“{step}” is for {capacity}.").format(
                    step=DemoStep(step).label, capacity=Capacity(capacity).label
                )
            )
        return demo

    def refusal(self, request, demo: DemoSite, step: str) -> str:
        """Why the step cannot be taken now ("" when it can)."""
        if step not in services.allowed_demo_steps(request.user, demo):
            return _("“{step}” cannot be taken while the site is “{state}”.").format(
                step=DemoStep(step).label, state=demo.get_state_display()
            )
        return ""

    def version(self, demo: DemoSite):
        return inspections.template_for(TargetType.SITE, demo.site)

    def show(self, request, demo, step, form=None, *, refused="", status=200, photos_lost=False):
        ctx = {
            **NAV,
            "title": _("{step}: {site}").format(step=DemoStep(step).label, site=demo.site.name),
            "demo": demo,
            "step": step,
            "step_label": DemoStep(step).label,
            "form": form,
            "refused": refused,
            "photos_lost": photos_lost,
            "pass_mark": demo.campaign.demo_pass_mark,
            "breadcrumbs": site_crumbs(request.user, demo, DemoStep(step).label),
        }
        template = "campaign/demo_step.html"
        if step in DEMO_SCORED and form is not None:
            template = "campaign/demo_sheet.html"
            ctx.update(
                {
                    "version": form.version,
                    "groups": form.groups(),
                    "threshold": settings.FENLEI_PURITY_THRESHOLD_PCT,
                    "result_labels": Result.choices,
                    "na_label": Result.NA.label,
                }
            )
        return render(request, template, ctx, status=status)

    def make_form(self, request, demo, step, data=None, files=None):
        if step in DEMO_SCORED:
            version = self.version(demo)
            if version is None:
                return None
            return _sheet_form(request.user, demo, version, data, files)
        return step_form(step, data=data)

    def get(self, request, pk, step):
        demo = self.setup_step(request, pk, step)
        refused = self.refusal(request, demo, step)
        if refused:
            return self.show(request, demo, step, refused=refused, status=400)
        form = self.make_form(request, demo, step)
        if form is None:
            return self.show(
                request, demo, step, refused=_("No checklist is in use for this kind of site."), status=400
            )
        return self.show(request, demo, step, form)

    def post(self, request, pk, step):
        demo = self.setup_step(request, pk, step)
        refused = self.refusal(request, demo, step)
        if refused:
            return self.show(request, demo, step, refused=refused, status=400)
        form = self.make_form(request, demo, step, request.POST, request.FILES)
        if form is None:
            return self.show(
                request, demo, step, refused=_("No checklist is in use for this kind of site."), status=400
            )
        if form.is_valid():
            try:
                if step in DEMO_SCORED:
                    kwargs = {"sheet": form.sheet(), "note": form.cleaned_data.get("note") or ""}
                else:
                    kwargs = form.service_kwargs()
                demo = services.demo_step(demo, step, by=request.user, **kwargs)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _result_message(demo, step))
                return redirect(demo.get_absolute_url())
        # PermissionDenied from the service is left to Django: 403.
        demo.refresh_from_db()
        photos_lost = step in DEMO_SCORED and any(k.startswith("photo_") for k in request.FILES)
        return self.show(request, demo, step, form, status=400, photos_lost=photos_lost)
