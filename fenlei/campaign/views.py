"""The campaign's own pages: the office's campaign page (countdown, coverage, the burn-up, the forecast,
the units at risk and behind, the missing demonstration sites), a street's or community's checklist,
one item with its evidence, and an item's responsible person and target date.

Every object is read through the scoping function (404 outside the scope, 403 without the action);
the figures come from `selectors`, every write from `services`. The views lay the figures out.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from fenlei.campaign import charts, rules, selectors, services
from fenlei.campaign.choices import EvidenceState, Level, Method
from fenlei.campaign.forms import AreaQuery, DecideForm, EvidenceForm, ItemForm
from fenlei.campaign.models import Campaign, Evidence, Item, Snapshot, Unit
from fenlei.campaign.places import areas_above, campaign_area
from fenlei.core import attachments
from fenlei.core import services as core_services
from fenlei.core.models import AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user, get_for_user
from fenlei.core.views import ServiceFormView, attach_errors
from fenlei.inspections.selectors import default_area
from fenlei.org.choices import AreaLevel
from fenlei.org.models import Area

NAV = "campaign"
#: The communities of a street listed on its pages (a street has a few dozen).
STREET_COMMUNITIES = 200
#: Entries of an item's history shown on its page.
HISTORY = 50


def _campaign(user, pk) -> Campaign:
    return get_for_user(user, Action.VIEW, Campaign.objects.select_related("area"), pk=pk)


def _detail_url(campaign: Campaign, area: Area | None = None) -> str:
    url = reverse("campaign:detail", args=[campaign.pk])
    return url + "?" + urlencode({"area": area.pk}) if area is not None else url


def _unit_url(campaign: Campaign, area_id: int) -> str:
    return reverse("campaign:unit", args=[campaign.pk, area_id])


def _crumbs(user, campaign: Campaign, area: Area, *, last_url: str | None = None) -> list[dict]:
    """The campaigns, the campaign, then the areas below the campaign's down to `area` that the user
    sees: a street or a community opens its checklist, an area above it its campaign page."""
    above = [a for a in areas_above(user, campaign, area) if a.pk != campaign.area_id]
    crumbs = [{"label": _("Campaigns"), "url": reverse("campaign:list")}]
    if area.pk == campaign.area_id:
        return [*crumbs, {"label": campaign.name, "url": last_url}]
    crumbs.append({"label": campaign.name, "url": _detail_url(campaign)})
    for a in above:
        url = _unit_url(campaign, a.pk) if a.level >= AreaLevel.STREET else _detail_url(campaign, a)
        crumbs.append({"label": a.name, "url": url})
    return [*crumbs, {"label": area.name, "url": last_url}]


# --- the entry ------------------------------------------------------------------------------------------


class IndexView(LoginRequiredMixin, View):
    """The current campaign of the user's widest area: a street or a community lands on its own
    checklist, the office on the campaign page; nothing yet: a page that says so."""

    def get(self, request):
        user = request.user
        area = default_area(user)
        campaign = services.current_campaign(area) if area is not None else None
        if campaign is not None and not for_user(user, Action.VIEW, Campaign).filter(pk=campaign.pk).exists():
            campaign = None
        if campaign is None:
            return render(
                request,
                "campaign/none.html",
                {"can_add": can_anywhere(user, Action.ADD, Campaign), "nav_active": NAV},
            )
        if area.level >= AreaLevel.STREET and area.path.startswith(campaign.area.path):
            unit = for_user(user, Action.VIEW, Unit).filter(campaign=campaign, area=area).first()
            if unit is not None:
                return redirect(unit.get_absolute_url())
        return redirect(campaign.get_absolute_url())


# --- the campaign page ------------------------------------------------------------------------------------


def _days(n: int) -> str:
    if n == 0:
        return _("today")
    if n > 0:
        return ngettext("in %(n)d day", "in %(n)d days", n) % {"n": n}
    return ngettext("%(n)d day ago", "%(n)d days ago", -n) % {"n": -n}


def _countdown(campaign: Campaign, ov) -> list[dict]:
    """The phases' deadlines and the milestones, each with the days left; the current phase marked;
    a past one done or overdue where the records tell (coverage complete; the assessment's snapshot)."""
    assessments = {m.due_on for m in campaign.milestones.all() if m.is_assessment}
    snapshots = set(Snapshot.objects.filter(campaign=campaign).values_list("on", flat=True))
    out = []
    for c in ov.countdown:
        state = "current" if c.current else "ahead"
        if c.days_left < 0:
            state = "passed"
            if c.is_phase:
                state = "done"
            elif c.due_on == campaign.coverage_deadline:
                state = "done" if ov.forecast.done else "overdue"
            elif c.due_on in assessments:
                state = "done" if c.due_on in snapshots else "overdue"
        out.append({"c": c, "state": state, "when": _days(c.days_left)})
    return out


def _risk_reasons(ov, units: list[Unit]) -> None:
    """Say why each unit at risk is: its overdue requirements, or the pace of the area it lies in."""
    slow = [(c.area.path, c.area.name) for c in ov.children if c.at_risk]
    if not ov.children and not ov.forecast.done and not ov.forecast.on_track:
        slow = [(ov.area.path, ov.area.name)]
    for u in units:
        reasons = []
        if u.overdue:
            reasons.append(
                ngettext(
                    "%(n)d requirement past its target date",
                    "%(n)d requirements past their target dates",
                    u.overdue,
                )
                % {"n": u.overdue}
            )
        for path, name in slow:
            if u.area_path.startswith(path):
                reasons.append(_("{area} will miss the deadline at its pace").format(area=name))
        u.reasons = reasons


def _burnup_summary(ov) -> str:
    """The burn-up in words (the chart's description, and its caption)."""
    fc, cov = ov.forecast, ov.coverage
    said = _(
        "{covered} of {total} communities covered on {today}; the coverage deadline is {deadline}."
    ).format(
        covered=cov.covered,
        total=cov.communities,
        today=ov.today.isoformat(),
        deadline=fc.deadline.isoformat(),
    )
    if fc.done:
        return said + " " + _("Every community is covered.")
    if fc.date is None:
        return said + " " + _("At the current pace coverage will not be complete.")
    return (
        said
        + " "
        + _("At the current pace every community is covered on {date}.").format(date=fc.date.isoformat())
    )


class CampaignView(LoginRequiredMixin, View):
    """The office's campaign page for an area (`?area=`; default the user's widest)."""

    def get(self, request, pk):
        user = request.user
        # the phases and milestones read once, for the countdown
        campaign = get_for_user(
            user,
            Action.VIEW,
            Campaign.objects.select_related("area").prefetch_related("phases", "milestones"),
            pk=pk,
        )
        query = AreaQuery(request.GET)
        if not query.is_valid():
            return render(
                request,
                "campaign/campaign.html",
                {"campaign": campaign, "query": query, "nav_active": NAV},
                status=400,
            )
        area = campaign_area(user, campaign, query.cleaned_data["area"])
        services.refresh_stale(campaign, area.path)
        ov = selectors.overview(campaign, area)
        children = sorted(
            ov.children,
            key=lambda c: (not c.at_risk, c.coverage.pct if c.coverage.pct is not None else 101, c.area.path),
        )
        for child in children:
            child.url = (
                _unit_url(campaign, child.area.pk)
                if child.area.level == AreaLevel.COMMUNITY
                else _detail_url(campaign, child.area)
            )
        communities = []
        if area.level == AreaLevel.STREET:
            # a street's children are its communities: each covered or not, with its checklist
            communities = list(
                selectors.units_in(campaign, area)
                .filter(level=Level.COMMUNITY)
                .select_related("area")
                .order_by("covered", "-overdue", "met", "area_path")[:STREET_COMMUNITIES]
            )
        _risk_reasons(ov, ov.at_risk)
        fc = ov.forecast
        chart = charts.burnup_chart(
            ov.burnup,
            total=ov.coverage.communities,
            start=campaign.starts_on,
            ends=campaign.ends_on,
            deadline=campaign.coverage_deadline,
            today=ov.today,
            forecast=fc,
        )
        area_query = "?" + urlencode({"area": area.pk})
        own_unit = None
        if area.level >= AreaLevel.STREET:
            own_unit = _unit_url(campaign, area.pk)
        return render(
            request,
            "campaign/campaign.html",
            {
                "campaign": campaign,
                "area": area,
                "query": query,
                "ov": ov,
                "fc": fc,
                "at_risk_here": not fc.done and not fc.on_track,
                "deadline_when": _days(fc.days_left),
                "burnup_summary": _burnup_summary(ov),
                "pace_week": fc.pace * 7 if fc.pace is not None else None,
                "needed_week": fc.needed * 7 if fc.needed is not None else None,
                "countdown": _countdown(campaign, ov),
                "children": children,
                "communities": communities,
                "chart": chart,
                "own_unit": own_unit,
                "at_risk_more": ov.at_risk_count - len(ov.at_risk),
                "behind_more": ov.behind_count - len(ov.behind),
                "demo_more": ov.missing_demo_count - len(ov.missing_demo),
                "missing_demo": [(i, selectors.missing_demo_kinds(i)) for i in ov.missing_demo],
                "area_query": area_query,
                "demo_url": reverse("campaign:demo-list", args=[campaign.pk]) + area_query,
                "export_url": reverse("campaign:export", args=[campaign.pk]) + area_query,
                "breadcrumbs": _crumbs(user, campaign, area),
                "nav_active": NAV,
            },
        )


# --- a unit's checklist ----------------------------------------------------------------------------------


def _latest_evidence(items: list[Item]) -> dict[int, Evidence]:
    """The latest evidence of each evidence-based item (one query)."""
    ids = [i.pk for i in items if i.requirement.method == Method.EVIDENCE]
    latest: dict[int, Evidence] = {}
    if ids:
        for ev in Evidence.objects.filter(item_id__in=ids).order_by("item_id", "-submitted_at", "-pk"):
            latest.setdefault(ev.item_id, ev)
    return latest


class UnitView(LoginRequiredMixin, View):
    """A street's or community's own checklist, judged afresh: covered or not, what to do next, every
    item with why; a street's communities."""

    def get(self, request, pk, area_id):
        user = request.user
        campaign = _campaign(user, pk)
        unit = get_for_user(user, Action.VIEW, Unit.objects.filter(campaign=campaign), area_id=area_id)
        # a ledger change shows at once: this one unit is judged again on every visit
        services.refresh(campaign, Unit.objects.filter(pk=unit.pk))
        unit = Unit.objects.select_related("area", "street").get(pk=unit.pk)
        today = services.today()
        items = selectors.checklist(unit)
        latest = _latest_evidence(items)
        for item in items:
            item.unit = unit
            item.latest = latest.get(item.pk)
            item.overdue_now = not item.met and item.target_date < today
            item.is_evidence = item.requirement.method == Method.EVIDENCE
            item.why = item.explanation  # rendered once (a message may read the categories' names)
        communities = []
        if unit.level == Level.STREET:
            communities = list(
                for_user(
                    user,
                    Action.VIEW,
                    Unit.objects.filter(campaign=campaign, level=Level.COMMUNITY, street_id=unit.area_id),
                )
                .select_related("area")
                .order_by("area_path")[:STREET_COMMUNITIES]
            )
        can_change = for_user(user, Action.CHANGE, Item.objects.filter(unit=unit)).exists()
        return render(
            request,
            "campaign/unit.html",
            {
                "campaign": campaign,
                "unit": unit,
                "items": items,
                "next_steps": selectors.next_steps(items, today),
                "communities": communities,
                "can_change": can_change,
                "today": today,
                "overview_url": _detail_url(campaign, unit.area) if unit.level == Level.STREET else "",
                "breadcrumbs": _crumbs(user, campaign, unit.area),
                "nav_active": NAV,
            },
        )


# --- one item and its evidence -------------------------------------------------------------------------------


def _item_queryset():
    return Item.objects.select_related("unit__area", "unit__campaign__area", "requirement")


def _evidence_files(evidence: list[Evidence], item: Item) -> dict[int, list]:
    """The files of each evidence (one query), with the links that read them."""
    return {
        pk: [
            {
                "file": a,
                "url": reverse("campaign:evidence-file", args=[pk, a.pk]),
                "thumb_url": reverse("campaign:evidence-thumbnail", args=[pk, a.pk]) if a.thumbnail else "",
                "remove_url": "",
            }
            for a in found
        ]
        for pk, found in attachments.of_rows(Evidence, [e.pk for e in evidence], "evidence").items()
    }


def _history(item: Item, evidence: list[Evidence]):
    """The item's audit entries and those of its evidence, newest first."""
    item_ct = ContentType.objects.get_for_model(Item, for_concrete_model=False)
    ev_ct = ContentType.objects.get_for_model(Evidence, for_concrete_model=False)
    q = Q(content_type=item_ct, object_id=str(item.pk))
    if evidence:
        q |= Q(content_type=ev_ct, object_id__in=[str(e.pk) for e in evidence])
    return list(AuditEntry.objects.filter(q).select_related("user", "content_type").order_by("-pk")[:HISTORY])


def item_page(request, item: Item, *, evidence_form=None, decide_form=None, status: int = 200):
    """One item: why it stands where it does, the requirement and its rule, the evidence with its files,
    the forms this user may use, and the history."""
    user = request.user
    requirement = item.requirement
    campaign = item.unit.campaign
    is_evidence = requirement.method == Method.EVIDENCE
    evidence = list(
        Evidence.objects.filter(item=item)
        .select_related("submitted_by", "decided_by")
        .order_by("-submitted_at", "-pk")
    )
    pending = next((e for e in evidence if e.state == EvidenceState.SUBMITTED), None)
    slot = attachments.slot_of(Evidence, "evidence")
    files = _evidence_files(evidence, item)
    for e in evidence:
        e.sections = [{"slot": slot, "files": files[e.pk], "full": False, "can_upload": False}]
    may_submit = is_evidence and services.may_submit_evidence(user, item)
    may_verify = is_evidence and services.may_verify_evidence(user, item)
    if may_submit and pending is None and evidence_form is None:
        evidence_form = EvidenceForm()
    if may_verify and pending is not None and decide_form is None:
        decide_form = DecideForm(initial={"decision": DecideForm.VERIFY})
    shown_evidence_form = evidence_form if may_submit else None
    shown_decide_form = decide_form if may_verify and pending is not None else None
    # what a refused post says, when its form is not on the page any more (already decided, a rule item)
    problems = [
        f"{form[name].label}: {e}" if name != "__all__" and name in form.fields else str(e)
        for form, shown in ((evidence_form, shown_evidence_form), (decide_form, shown_decide_form))
        if form is not None and shown is None and form.is_bound
        for name, errors in form.errors.items()
        for e in errors
    ]
    rule = rules.REGISTRY.get(requirement.rule) if requirement.method == Method.RULE else None
    today = services.today()
    return render(
        request,
        "campaign/item.html",
        {
            "campaign": campaign,
            "item": item,
            "unit": item.unit,
            "requirement": requirement,
            "rule": rule,
            "params": sorted((requirement.params or {}).items()),
            "is_evidence": is_evidence,
            "evidence": evidence,
            "pending": pending,
            "slot": slot,
            "evidence_form": shown_evidence_form,
            "decide_form": shown_decide_form,
            "problems": problems,
            "may_submit": may_submit,
            "may_verify": may_verify,
            "can_change": for_user(user, Action.CHANGE, Item.objects.filter(pk=item.pk)).exists(),
            "overdue": not item.met and item.target_date < today,
            "history": _history(item, evidence),
            "can_audit": can_anywhere(user, Action.AUDIT, AuditEntry),
            "max_upload_mb": settings.FENLEI_MAX_UPLOAD_MB,
            "breadcrumbs": _crumbs(user, campaign, item.unit.area, last_url=item.unit.get_absolute_url())
            + [{"label": requirement.name, "url": None}],
            "nav_active": NAV,
        },
        status=status,
    )


class ItemView(LoginRequiredMixin, View):
    """One item (its unit judged afresh first)."""

    def get(self, request, pk):
        item = get_for_user(request.user, Action.VIEW, _item_queryset(), pk=pk)
        services.refresh(item.unit.campaign, Unit.objects.filter(pk=item.unit_id))
        item = _item_queryset().get(pk=item.pk)
        return item_page(request, item)


class EvidenceSubmitView(LoginRequiredMixin, View):
    """The unit submits evidence for an item (POST): a description and files."""

    http_method_names = ["post"]

    def post(self, request, pk):
        user = request.user
        item = get_for_user(user, Action.VIEW, _item_queryset(), pk=pk)
        if item.requirement.method == Method.EVIDENCE and not services.may_submit_evidence(user, item):
            raise PermissionDenied(_("Only the unit itself submits its evidence."))
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.submit_evidence(
                    item, by=user, note=form.cleaned_data["note"], files=form.cleaned_data["files"]
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Evidence submitted: the level above verifies it."))
                return redirect(item.get_absolute_url() + "#evidence")
        item = _item_queryset().get(pk=item.pk)
        return item_page(request, item, evidence_form=form, status=400)


class EvidenceDecideView(LoginRequiredMixin, View):
    """The level above verifies evidence, or returns it with the reason (POST)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        user = request.user
        evidence = get_for_user(
            user,
            Action.VIEW,
            Evidence.objects.select_related(
                "item__unit__area", "item__unit__campaign__area", "item__requirement", "submitted_by"
            ),
            pk=pk,
        )
        item = evidence.item
        if not services.may_verify_evidence(user, item):
            raise PermissionDenied(_("The level above the unit verifies its evidence."))
        form = DecideForm(request.POST)
        if form.is_valid():
            try:
                services.decide_evidence(
                    evidence, by=user, verify=form.verify, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                done = _("Evidence verified.") if form.verify else _("Evidence returned to the unit.")
                messages.success(request, done)
                return redirect(item.get_absolute_url() + "#evidence")
        item = _item_queryset().get(pk=item.pk)
        return item_page(request, item, decide_form=form, status=400)


class ItemEditView(ServiceFormView):
    """The item's responsible person and own target date (the unit's admins and the levels above)."""

    action = Action.CHANGE
    template_name = "campaign/item_edit.html"

    def get_base_queryset(self):
        return _item_queryset()

    def setup_object(self):
        self.item = self.get_object()

    def get_form(self, data=None, files=None):
        return ItemForm(data=data, instance=self.item)

    def get_context(self, form):
        item = self.item
        return {
            "form": form,
            "item": item,
            "title": _("Responsible person and target date"),
            "cancel_url": item.get_absolute_url(),
            "breadcrumbs": _crumbs(
                self.request.user, item.unit.campaign, item.unit.area, last_url=item.unit.get_absolute_url()
            )
            + [
                {"label": item.requirement.name, "url": item.get_absolute_url()},
                {"label": _("Edit"), "url": None},
            ],
            "nav_active": NAV,
        }

    def perform(self, form):
        item = core_services.update(form.instance, by=self.request.user)
        services.mark_dirty(item.area_path)
        messages.success(self.request, _("Saved."))
        return item
