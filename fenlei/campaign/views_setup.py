"""Campaigns over the years, setting one up (its settings, phases, milestones and checklist), the
checklist in Excel, and snapshots set beside today.

Every campaign, snapshot and area comes through the scoping function: a campaign lives at its
district and is seen from the streets and communities below it (404 elsewhere); only the district
office changes it (403 for the others). The writes are the services' (`fenlei.campaign.services`,
`fenlei.core.services`); the figures are the selectors' or a grouped read of the rows under an area
read through `for_user`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Length
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from fenlei.campaign import export, rules, selectors, services
from fenlei.campaign.choices import Level, Method
from fenlei.campaign.forms_setup import (
    SIMPLE_PARAMS,
    CampaignAddForm,
    CampaignForm,
    MilestoneFormSet,
    PhaseFormSet,
    RequirementForm,
    SnapshotForm,
    campaign_districts,
    params_in_words,
)
from fenlei.campaign.models import Campaign, CoverageDay, Item, Requirement, Snapshot, SnapshotUnit, Unit
from fenlei.campaign.places import BadArea as BadQuery
from fenlei.campaign.places import areas_above, campaign_area
from fenlei.core import services as core_services
from fenlei.core.roles import Action
from fenlei.core.scoping import (
    can,
    can_anywhere,
    for_user,
    get_for_user,
    placeable_areas,
    scope_q,
    subtree_q,
)
from fenlei.core.views import attach_errors
from fenlei.core.views_importexport import _spool, _xlsx_response
from fenlei.org.models import Area

#: Changed items a snapshot's page lists (the rest are counted).
CHANGED_SHOWN = 200


# --- helpers ------------------------------------------------------------------------------------------


def get_campaign(user, pk, action: str = Action.VIEW) -> Campaign:
    """The campaign `pk` if `user` sees it (404) and may take `action` on it (403)."""
    return get_for_user(user, action, Campaign.objects.select_related("area"), pk=pk)


def area_trail(user, campaign: Campaign, area: Area) -> list[dict]:
    """The areas from the campaign's down to `area` that the user sees, each a link (`?area=`)."""
    trail = [{"label": a.name, "query": urlencode({"area": a.pk})} for a in areas_above(user, campaign, area)]
    return [*trail, {"label": area.name, "query": None}]


def trail(*crumbs: tuple[str, str | None]) -> list[dict]:
    """The page's breadcrumbs, starting from the campaigns' list."""
    return [{"label": _("Campaigns"), "url": reverse("campaign:list")}] + [
        {"label": label, "url": url} for label, url in crumbs
    ]


class _Rollback(Exception):
    """A step of a multi-part save failed: undo the others (the errors are on the forms)."""


class CampaignPage(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadQuery as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")

    def render(self, template: str, ctx: dict, status: int = 200):
        return render(self.request, template, {"nav_active": "campaign", **ctx}, status=status)


# --- the campaigns ------------------------------------------------------------------------------------


class CampaignListView(CampaignPage):
    """The campaigns the user sees, newest first: dates, coverage at the latest kept day (of the widest
    area the user sees in it) and snapshots."""

    def get(self, request):
        user = request.user
        campaigns = for_user(user, Action.VIEW, Campaign.objects.select_related("area"))
        reach = scope_q(user, Action.VIEW, CoverageDay)
        if reach is not None:
            # the widest area's latest kept day the user may read, per campaign
            latest = (
                CoverageDay.objects.filter(reach, campaign=OuterRef("pk"))
                .annotate(depth=Length("area_path"))
                .order_by("depth", "-day")
                .values("pk")[:1]
            )
            campaigns = campaigns.annotate(latest_day=Subquery(latest))
        campaigns = list(campaigns.order_by("-year", "area_path", "pk"))
        ids = [c.pk for c in campaigns]
        days = CoverageDay.objects.select_related("area").in_bulk(
            [c.latest_day for c in campaigns if getattr(c, "latest_day", None)]
        )
        changeable = set(
            for_user(user, Action.CHANGE, Campaign.objects.filter(pk__in=ids)).values_list("pk", flat=True)
        )
        snapshots: dict[int, list] = {}
        for snap in for_user(user, Action.VIEW, Snapshot.objects.filter(campaign_id__in=ids)).order_by(
            "campaign_id", "-on", "-pk"
        ):
            snapshots.setdefault(snap.campaign_id, []).append(snap)
        today = services.today()
        may_export = can_anywhere(user, Action.EXPORT, Unit)
        for c in campaigns:
            day = days.get(getattr(c, "latest_day", None))
            c.coverage_day = day
            c.coverage = (
                selectors.Coverage(day.communities, day.covered, day.households, day.covered_households)
                if day
                else None
            )
            c.snapshot_list = snapshots.get(c.pk, [])
            c.running = c.starts_on <= today <= c.ends_on
            c.edit_url = reverse("campaign:edit", args=[c.pk]) if c.pk in changeable else None
            c.export_url = reverse("campaign:export", args=[c.pk]) if may_export else None
        return self.render(
            "campaign/setup_list.html",
            {
                "campaigns": campaigns,
                "add_url": reverse("campaign:add") if campaign_districts(user).exists() else None,
                "breadcrumbs": trail(),
            },
        )


class CampaignAddView(CampaignPage):
    """The district office starts a year's campaign: the default phases, milestones and checklist."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not campaign_districts(request.user).exists():
            raise PermissionDenied(_("Only the district office starts a campaign."))
        return super().dispatch(request, *args, **kwargs)

    def show(self, form, status=200):
        return self.render(
            "core/form.html",
            {
                "form": form,
                "title": _("Start a campaign"),
                "intro": _(
                    "The campaign gets the three phases, the milestones and the default checklist; "
                    "change them afterwards."
                ),
                "submit_label": _("Start the campaign"),
                "cancel_url": reverse("campaign:list"),
                "breadcrumbs": trail((_("Start a campaign"), None)),
            },
            status,
        )

    def get(self, request):
        return self.show(CampaignAddForm(user=request.user))

    def post(self, request):
        form = CampaignAddForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.create_campaign(
                    area=data["district"], year=data["year"], name=data["name"].strip(), by=request.user
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("“{name}” has started with the default phases, milestones and checklist.").format(
                        name=campaign.name
                    ),
                )
                return redirect("campaign:edit", campaign.pk)
        return self.show(form, 400)


class CampaignEditView(CampaignPage):
    """The office changes a campaign's settings, its phases' dates and its milestones, in one save."""

    def load(self, request, pk):
        self.campaign = get_campaign(request.user, pk, Action.CHANGE)
        self.saved_dates = (self.campaign.starts_on, self.campaign.ends_on)

    def forms(self, data=None):
        form = CampaignForm(data, instance=self.campaign)
        bounds = self.saved_dates
        if data is not None and form.is_valid():
            bounds = (form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
        phases = PhaseFormSet(data, queryset=self.campaign.phases.all(), prefix="phases", bounds=bounds)
        milestones = MilestoneFormSet(
            data, queryset=self.campaign.milestones.all(), prefix="milestones", bounds=bounds
        )
        return form, phases, milestones

    def show(self, form, phases, milestones, status=200):
        c = self.campaign
        return self.render(
            "campaign/setup_edit.html",
            {
                "campaign": c,
                "form": form,
                "phases": phases,
                "milestones": milestones,
                "breadcrumbs": trail((c.name, c.get_absolute_url()), (_("Settings"), None)),
            },
            status,
        )

    def get(self, request, pk):
        self.load(request, pk)
        return self.show(*self.forms())

    def post(self, request, pk):
        self.load(request, pk)
        form, phases, milestones = self.forms(request.POST)
        valid = form.is_valid() and phases.is_valid() and milestones.is_valid()
        if valid and self.save(form, phases, milestones):
            messages.success(request, _("The campaign is saved."))
            return redirect("campaign:list")
        return self.show(form, phases, milestones, 400)

    def save(self, form, phases, milestones) -> bool:
        """Everything in one transaction, each change audited: a refusal shows on its own form and
        undoes the rest."""
        user = self.request.user
        failed = False

        def step(target, call):
            nonlocal failed
            try:
                with transaction.atomic():
                    call()
            except ValidationError as exc:
                attach_errors(target, exc)
                failed = True

        try:
            with transaction.atomic():
                step(form, lambda: core_services.update(form.instance, by=user))
                for f in phases.forms:
                    if f.has_changed():
                        step(f, lambda f=f: core_services.update(f.instance, by=user))
                milestones.save(commit=False)
                for m in milestones.deleted_objects:
                    services.remove_milestone(m, by=user)
                for m, _fields in milestones.changed_objects:
                    f = next(x for x in milestones.forms if x.instance is m)
                    step(f, lambda m=m: core_services.update(m, by=user))
                for m in milestones.new_objects:
                    m.campaign = self.campaign
                    f = next(x for x in milestones.forms if x.instance is m)
                    step(f, lambda m=m: core_services.create(m, by=user))
                if failed:
                    raise _Rollback
                services.campaign_changed(self.campaign)
        except _Rollback:
            return False
        return True


# --- the checklist ------------------------------------------------------------------------------------------


class RequirementListView(CampaignPage):
    """The checklist's definition, by level: how each line is judged, its target date, who answers for
    it, whether it counts for coverage, and how many units (in the user's area) meet it today."""

    def get(self, request, pk):
        user = request.user
        campaign = get_campaign(user, pk)
        area = campaign_area(user, campaign, None)
        services.refresh_stale(campaign, area.path)  # a finished campaign is not judged again
        reqs = list(campaign.requirements.prefetch_related("site_kinds"))
        counts = {
            row["requirement_id"]: row
            for row in Item.objects.filter(requirement_id__in=[r.pk for r in reqs])
            .filter(subtree_q("area_path", area.path))
            .values("requirement_id")
            .annotate(total=Count("pk"), met_n=Count("pk", filter=Q(met=True)))
        }
        may_change = can(user, Action.CHANGE, campaign)
        for r in reqs:
            rule = rules.REGISTRY.get(r.rule) if r.method == Method.RULE else None
            r.rule_label = rule.label if rule else ""
            r.rule_description = rule.description if rule else ""
            r.params_text = params_in_words(r)
            row = counts.get(r.pk, {})
            r.units_met, r.units_total = row.get("met_n", 0), row.get("total", 0)
            r.edit_url = reverse("campaign:requirement-edit", args=[r.pk]) if may_change else None
        levels = [
            {
                "label": level.label,
                "level": level,
                "lines": [r for r in reqs if r.level == level],
                "definition": [r for r in reqs if r.level == level and r.in_coverage],
            }
            for level in Level
        ]
        return self.render(
            "campaign/setup_requirements.html",
            {
                "campaign": campaign,
                "area": area,
                "levels": levels,
                "add_url": reverse("campaign:requirement-add", args=[campaign.pk]) if may_change else None,
                "export_url": reverse("campaign:export", args=[campaign.pk])
                if can_anywhere(user, Action.EXPORT, Unit)
                else None,
                "breadcrumbs": trail(
                    (campaign.name, campaign.get_absolute_url()), (pgettext("campaign", "Checklist"), None)
                ),
            },
        )


class _RequirementFormView(CampaignPage):
    def show(self, form, status=200, delete_errors=()):
        c, req = self.campaign, self.requirement
        title = _("Change “{name}”").format(name=req.name) if req.pk else _("Add a line to the checklist")
        return self.render(
            "campaign/setup_requirement_form.html",
            {
                "campaign": c,
                "requirement": req,
                "form": form,
                "title": title,
                "delete_errors": delete_errors,
                "rules": [
                    {
                        "code": code,
                        "label": rule.label,
                        "description": rule.description,
                        "levels": rule.levels,
                    }
                    for code, rule in rules.REGISTRY.items()
                ],
                "field_map": {
                    "params": SIMPLE_PARAMS,
                    "site_rules": [code for code, rule in rules.REGISTRY.items() if rule.uses_site_kinds],
                },
                "cancel_url": reverse("campaign:requirements", args=[c.pk]),
                "breadcrumbs": trail(
                    (c.name, c.get_absolute_url()),
                    (pgettext("campaign", "Checklist"), reverse("campaign:requirements", args=[c.pk])),
                    (title, None),
                ),
            },
            status,
        )

    def get(self, request, pk):
        self.load(request, pk)
        return self.show(RequirementForm(instance=self.requirement, campaign=self.campaign))

    def post(self, request, pk):
        self.load(request, pk)
        form = RequirementForm(request.POST, instance=self.requirement, campaign=self.campaign)
        if form.is_valid():
            requirement = form.save(commit=False)
            try:
                services.save_requirement(requirement, by=request.user, kinds=form.chosen_kinds())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("“{name}” is saved.").format(name=requirement.name))
                return redirect("campaign:requirements", self.campaign.pk)
        return self.show(form, 400)


class RequirementAddView(_RequirementFormView):
    def load(self, request, pk):
        self.campaign = get_campaign(request.user, pk, Action.CHANGE)
        last = self.campaign.requirements.order_by("-position").values_list("position", flat=True).first()
        self.requirement = Requirement(
            campaign=self.campaign, position=(last or 0) + 1, level=Level.COMMUNITY
        )


class RequirementEditView(_RequirementFormView):
    """Change a line, or remove it (`delete` in the form) unless a snapshot holds it."""

    def load(self, request, pk):
        self.requirement = get_object_or_404(Requirement, pk=pk)
        self.campaign = get_campaign(request.user, self.requirement.campaign_id, Action.CHANGE)

    def post(self, request, pk):
        if "delete" not in request.POST:
            return super().post(request, pk)
        self.load(request, pk)
        name = self.requirement.name
        try:
            services.remove_requirement(self.requirement, by=request.user)
        except ValidationError as exc:
            form = RequirementForm(instance=self.requirement, campaign=self.campaign)
            return self.show(form, 400, delete_errors=exc.messages)
        messages.success(request, _("“{name}” is removed from the checklist.").format(name=name))
        return redirect("campaign:requirements", self.campaign.pk)


# --- the checklist in Excel ---------------------------------------------------------------------------------


class ExportView(CampaignPage):
    """The checklist of the units in an area (`?area=`, default the user's widest) as an .xlsx."""

    def get(self, request, pk):
        user = request.user
        campaign = get_campaign(user, pk)
        area = campaign_area(user, campaign, request.GET.get("area"))
        units = for_user(user, Action.EXPORT, Unit.objects.filter(campaign=campaign)).filter(
            subtree_q("area_path", area.path)
        )
        if not units.exists():
            # the area is seen, but none of its units may be exported by this user
            raise PermissionDenied(_("Your roles do not export this area's checklist."))
        services.refresh_stale(campaign, area.path)  # a finished campaign is not judged again
        items = for_user(user, Action.EXPORT, Item.objects.filter(unit__campaign=campaign)).filter(
            subtree_q("area_path", area.path)
        )
        fh = _spool()
        try:
            export.write_checklist(fh, campaign=campaign, area=area, units=units, items=items)
        except BaseException:
            fh.close()
            raise
        return _xlsx_response(fh, export.filename(campaign, area))


# --- snapshots ----------------------------------------------------------------------------------------------


def may_take_snapshot(user, campaign: Campaign) -> bool:
    """The district office takes snapshots (the add action on snapshots at the campaign's area)."""
    return placeable_areas(user, Action.ADD, Snapshot, Area.objects.filter(pk=campaign.area_id)).exists()


class SnapshotListView(CampaignPage):
    """A campaign's snapshots with the coverage each froze (in the user's area); the office takes one."""

    def context(self, campaign, area, form):
        snaps = list(
            for_user(self.request.user, Action.VIEW, Snapshot.objects.filter(campaign=campaign))
            .select_related("taken_by")
            .order_by("-on", "-pk")
        )
        then = {
            row["snapshot_id"]: row
            for row in SnapshotUnit.objects.filter(snapshot__in=snaps, level=Level.COMMUNITY)
            .filter(subtree_q("area_path", area.path))
            .values("snapshot_id")
            .annotate(**selectors.TALLY)
        }
        for s in snaps:
            s.coverage = selectors.coverage_of(then.get(s.pk))
        return {
            "campaign": campaign,
            "area": area,
            "area_trail": area_trail(self.request.user, campaign, area),
            "snapshots": snaps,
            "form": form,
            "breadcrumbs": trail((campaign.name, campaign.get_absolute_url()), (_("Snapshots"), None)),
        }

    def get(self, request, pk):
        campaign = get_campaign(request.user, pk)
        area = campaign_area(request.user, campaign, request.GET.get("area"))
        form = (
            SnapshotForm(initial={"on": services.today()})
            if may_take_snapshot(request.user, campaign)
            else None
        )
        return self.render("campaign/snapshot_list.html", self.context(campaign, area, form))

    def post(self, request, pk):
        campaign = get_campaign(request.user, pk)
        if not may_take_snapshot(request.user, campaign):
            raise PermissionDenied(_("The district office takes the snapshots."))
        form = SnapshotForm(request.POST)
        if form.is_valid():
            try:
                snap = services.take_snapshot(
                    campaign,
                    on=form.cleaned_data["on"],
                    name=form.cleaned_data["name"].strip(),
                    by=request.user,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("The snapshot “{name}” is taken.").format(name=snap.name))
                return redirect(snap.get_absolute_url())
        area = campaign_area(request.user, campaign, None)
        return self.render("campaign/snapshot_list.html", self.context(campaign, area, form), 400)


def by_child(snapshot: Snapshot, area: Area) -> list[dict]:
    """The comparison's rows by child area, each with its `?area=` query."""
    return [
        {**row, "query": urlencode({"area": row["area"].pk})}
        for row in selectors.compare_children(snapshot, area)
    ]


class SnapshotView(CampaignPage):
    """One snapshot beside today, for an area (`?area=`): coverage then and now, by child area, and the
    items that changed."""

    def get(self, request, pk):
        user = request.user
        snapshot = get_for_user(
            user, Action.VIEW, Snapshot.objects.select_related("campaign__area", "taken_by"), pk=pk
        )
        campaign = snapshot.campaign
        area = campaign_area(user, campaign, request.GET.get("area"))
        services.refresh_stale(campaign, area.path)  # a finished campaign is not judged again
        cmp = selectors.compare(snapshot, area, limit=CHANGED_SHOWN)
        changed = [
            {"area": a, "requirement": r, "then": before, "now": after} for a, r, before, after in cmp.changed
        ]
        return self.render(
            "campaign/snapshot_detail.html",
            {
                "snapshot": snapshot,
                "campaign": campaign,
                "area": area,
                "area_trail": area_trail(user, campaign, area),
                "cmp": cmp,
                "children": by_child(snapshot, area),
                "became_met": [c for c in changed if c["now"]],
                "became_unmet": [c for c in changed if not c["now"]],
                "capped": cmp.changed_count > len(changed),
                "today": services.today(),
                "breadcrumbs": trail(
                    (campaign.name, campaign.get_absolute_url()),
                    (_("Snapshots"), reverse("campaign:snapshots", args=[campaign.pk])),
                    (snapshot.name, None),
                ),
            },
        )
