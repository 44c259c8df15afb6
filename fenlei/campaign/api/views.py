"""The campaign API: campaigns and the overview of an area, units and their checklists, items and their
evidence, snapshots compared with today (`views_demo`: demonstration sites).

Every read goes through the scoping function (404 outside the scope); every write calls
`fenlei.campaign.services`, which decides who may submit, verify or take a step (403 otherwise, 400
for what the rules refuse). Pages that show a unit's standing bring it current first, as the HTML
pages do: the overview and the lists refresh the stale units of their area, a unit's and an item's
detail refresh that unit.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from fenlei.campaign import places, selectors, services
from fenlei.campaign.api.filtersets import UnitFilterSet
from fenlei.campaign.api.serializers import (
    CampaignDetailSerializer,
    CampaignSerializer,
    DecideSerializer,
    EvidenceInSerializer,
    EvidenceSerializer,
    ItemSerializer,
    OverviewSerializer,
    SnapshotDetailSerializer,
    SnapshotSerializer,
    UnitDetailSerializer,
    UnitSerializer,
    comparison_data,
    overview_data,
)
from fenlei.campaign.choices import Level
from fenlei.campaign.models import Campaign, Evidence, Item, Snapshot, Unit
from fenlei.core import attachments
from fenlei.core.api import ScopedViewSet
from fenlei.core.api_attachments import UploadRateThrottle
from fenlei.core.models import Attachment
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.core.views_attachments import file_response
from fenlei.inspections.api.views import ServiceErrorsMixin
from fenlei.org.models import Area

# --- helpers ----------------------------------------------------------------------------------------


def campaign_area(request, campaign: Campaign) -> Area:
    """The area `?area=` names, else the caller's widest within the campaign (`places.campaign_area`:
    404 outside the caller's scope or beside the campaign; 400 when it is not a number)."""
    try:
        return places.campaign_area(request.user, campaign, request.query_params.get("area"))
    except places.BadArea as exc:
        raise exceptions.ValidationError({"area": [str(exc)]}) from None
    except Http404:
        raise exceptions.NotFound() from None


def at_risk_units(campaign: Campaign, area: Area, overview: selectors.Overview):
    """The communities `overview` counts as at risk (`at_risk_count`), all of them."""
    return selectors.at_risk(campaign, area, overview.at_risk_paths)


def files_of(model, pks, slot: str):
    """The files of the rows `pks` (read through the scoping function), in one query."""
    return attachments.of_rows(model, pks, slot)


AREA = OpenApiParameter(
    "area",
    OpenApiTypes.INT,
    description="An area within the campaign (its whole subtree). Default: your widest.",
)
FILE = OpenApiParameter("file", OpenApiTypes.INT, OpenApiParameter.PATH, description="The file's id.")
BINARY = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY),
}
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="{field: [messages]}"),
    403: OpenApiResponse(description="Not allowed (no role for this, or not in this capacity)."),
    404: OpenApiResponse(description="Outside your scope."),
}


class CampaignApiViewSet(ServiceErrorsMixin, ScopedViewSet):
    """Scoped reads with their joins; uploads throttled; files answered with their own type."""

    related: tuple[str, ...] = ()
    #: Actions whose POST carries files (the upload rate applies on top of the general one).
    upload_actions: frozenset[str] = frozenset()
    #: Actions that answer a file.
    file_actions = frozenset({"file"})

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action in self.upload_actions and self.request.method == "POST":
            throttles.append(UploadRateThrottle())
        return throttles

    def perform_content_negotiation(self, request, force=False):
        # A file is answered with its own type whatever the client accepts; errors stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action in self.file_actions)

    def file_of(self, row, slot: str, file) -> Response:
        try:
            att = attachments.of_row(row, slot).get(pk=file)
        except Attachment.DoesNotExist:
            raise Http404 from None
        return file_response(att)


# --- campaigns --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List campaigns (newest first)"),
    retrieve=extend_schema(
        summary="Read a campaign: phases, milestones and the coverage checklist",
        responses=CampaignDetailSerializer,
    ),
    history=extend_schema(summary="A campaign's audit history"),
)
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CampaignApiViewSet):
    """The campaigns the caller sees: its district's (and the city's) campaigns, year by year."""

    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    related = ("area",)

    def get_queryset(self):
        qs = super().get_queryset().order_by("-year", "pk")
        if self.action == "retrieve":
            qs = qs.prefetch_related("phases", "milestones", "requirements__site_kinds")
        return qs

    def get_serializer_class(self):
        return CampaignDetailSerializer if self.action == "retrieve" else CampaignSerializer

    @extend_schema(
        summary="The overview of an area: countdown, coverage, forecast, units behind and at risk",
        description=(
            "Coverage of the area's communities (counts and households, with per cent), each child "
            "area (streets under a district, communities under a street) with its own forecast and "
            "whether it is at risk, the burn-up (covered communities day by day), the forecast of the "
            "completion date at the current pace, the first units at risk and behind, and the streets "
            "and communities still lacking a kind of demonstration site, each with its count. Units "
            "judged before today or marked by a ledger change are brought current first."
        ),
        parameters=[AREA],
        responses={200: OverviewSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def overview(self, request, pk=None):
        campaign = self.get_object()
        area = campaign_area(request, campaign)
        services.refresh_stale(campaign, area.path)
        ov = selectors.overview(campaign, area)
        context = self.get_serializer_context()
        return Response(OverviewSerializer(overview_data(ov, request), context=context).data)

    @extend_schema(
        summary="The campaign's streets and communities in an area",
        description=(
            "`at_risk=true` lists the units the overview counts as at risk (its `at_risk_count`): "
            "uncovered communities behind their target dates or in an area that will miss the "
            "deadline at its pace."
        ),
        parameters=[
            AREA,
            OpenApiParameter(
                "level", OpenApiTypes.INT, enum=Level.values, description="2 street, 3 community."
            ),
            OpenApiParameter("covered", OpenApiTypes.BOOL),
            OpenApiParameter("at_risk", OpenApiTypes.BOOL),
        ],
        responses={200: UnitSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def units(self, request, pk=None):
        campaign = self.get_object()
        area = campaign_area(request, campaign)
        services.refresh_stale(campaign, area.path)
        filters = UnitFilterSet(
            request.query_params, queryset=selectors.units_in(campaign, area), request=request
        )
        if not filters.is_valid():
            raise exceptions.ValidationError({k: list(v) for k, v in filters.errors.items()})
        rows = for_user(request.user, Action.VIEW, filters.qs)
        at_risk = filters.form.cleaned_data.get("at_risk")
        if at_risk is not None:
            risky = at_risk_units(campaign, area, selectors.overview(campaign, area)).values("pk")
            rows = rows.filter(pk__in=risky) if at_risk else rows.exclude(pk__in=risky)
        page = self.paginate_queryset(rows.select_related("area", "street").order_by("area_path"))
        data = UnitSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(summary="The campaign's snapshots, latest first", responses=SnapshotSerializer(many=True))
    @action(detail=True, methods=["get"])
    def snapshots(self, request, pk=None):
        campaign = self.get_object()
        rows = for_user(request.user, Action.VIEW, Snapshot.objects.filter(campaign=campaign))
        page = self.paginate_queryset(rows.select_related("taken_by").order_by("-on", "-pk"))
        data = SnapshotSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


# --- units and items ----------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        summary="Read a unit's checklist: every item, why, and what to do next",
        description="The unit is judged afresh first, so a ledger change shows at once.",
    ),
)
class UnitViewSet(mixins.RetrieveModelMixin, CampaignApiViewSet):
    """A street's or community's standing in a campaign."""

    queryset = Unit.objects.all()
    serializer_class = UnitDetailSerializer
    related = ("campaign__area",)
    history = None  # kept by the services, not edited: no audit history of its own

    def retrieve(self, request, *args, **kwargs):
        unit = self.get_object()
        services.refresh(unit.campaign, Unit.objects.filter(pk=unit.pk))
        unit = Unit.objects.select_related("area", "street").get(pk=unit.pk)
        items = selectors.checklist(unit)
        for item in items:
            item.unit = unit
        prefetch_related_objects([i.requirement for i in items], "site_kinds")
        context = {
            **self.get_serializer_context(),
            "items": items,
            "next_steps": selectors.next_steps(items, timezone.localdate()),
        }
        return Response(UnitDetailSerializer(unit, context=context).data)


def _current(item: Item) -> Item:
    """`item` after its unit is brought current (when a ledger change or a new day made it stale)."""
    unit = item.unit
    stale = services.stale(unit.campaign).filter(pk=unit.pk)
    if services.refresh(unit.campaign, stale):
        item = Item.objects.select_related("unit__area", "unit__campaign__area", "requirement").get(
            pk=item.pk
        )
    prefetch_related_objects([item.requirement], "site_kinds")
    return item


@extend_schema_view(
    retrieve=extend_schema(summary="Read an item: met or not, why, links to the records"),
    history=extend_schema(summary="An item's audit history"),
)
class ItemViewSet(mixins.RetrieveModelMixin, CampaignApiViewSet):
    """One requirement for one unit; evidence-based items take evidence here."""

    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    related = ("unit__area", "unit__campaign__area", "requirement")
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    upload_actions = frozenset({"evidence"})

    def retrieve(self, request, *args, **kwargs):
        item = _current(self.get_object())
        return Response(ItemSerializer(item, context=self.get_serializer_context()).data)

    @extend_schema(
        methods=["GET"],
        summary="An item's evidence, latest first",
        responses=EvidenceSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Submit evidence for an item (the unit's own administrators)",
        description=(
            "Multipart: `note` and the files `files` (repeated; PDF, JPEG, PNG or WebP); or JSON "
            "with a `note` alone. The level above is told; the item awaits its verification. 400 "
            "when the item is judged from the records, when evidence already awaits verification, "
            "or for a file that is not of an accepted type; 403 for anyone but the unit itself."
        ),
        request={"multipart/form-data": EvidenceInSerializer, "application/json": EvidenceInSerializer},
        responses={201: EvidenceSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def evidence(self, request, pk=None):
        item = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            body = EvidenceInSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            evidence = services.submit_evidence(item, by=request.user, note=data["note"], files=data["files"])
            evidence = Evidence.objects.select_related("submitted_by", "decided_by").get(pk=evidence.pk)
            context["files"] = files_of(Evidence, [evidence.pk], "evidence")
            return Response(
                EvidenceSerializer(evidence, context=context).data, status=status.HTTP_201_CREATED
            )
        rows = for_user(request.user, Action.VIEW, Evidence.objects.filter(item=item))
        page = self.paginate_queryset(
            rows.select_related("submitted_by", "decided_by").order_by("-submitted_at", "-pk")
        )
        context["files"] = files_of(Evidence, [e.pk for e in page], "evidence")
        return self.get_paginated_response(EvidenceSerializer(page, many=True, context=context).data)


@extend_schema_view(
    retrieve=extend_schema(summary="Read evidence with its files and the decision on it"),
    history=extend_schema(summary="Evidence's audit history"),
)
class EvidenceViewSet(mixins.RetrieveModelMixin, CampaignApiViewSet):
    """Evidence submitted for an item; the level above verifies or returns it."""

    queryset = Evidence.objects.all()
    serializer_class = EvidenceSerializer
    related = ("item__unit__campaign", "item__requirement", "submitted_by", "decided_by")

    def detail_response(self, evidence) -> Response:
        evidence = Evidence.objects.select_related("submitted_by", "decided_by").get(pk=evidence.pk)
        context = {**self.get_serializer_context(), "files": files_of(Evidence, [evidence.pk], "evidence")}
        return Response(EvidenceSerializer(evidence, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Verify or return evidence (the level above the unit)",
        description="`verify: false` returns it and needs a `note` saying why (400 without). 400 when "
        "it was already decided; 403 for anyone but the level above the unit.",
        request=DecideSerializer,
        responses={200: EvidenceSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        evidence = self.get_object()
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        evidence = services.decide_evidence(
            evidence, by=request.user, verify=data["verify"], note=data["note"]
        )
        return self.detail_response(evidence)

    @extend_schema(summary="Read a file of the evidence", parameters=[FILE], responses=BINARY)
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file>[0-9]+)", url_name="file")
    def file(self, request, pk=None, file=None):
        return self.file_of(self.get_object(), "evidence", file)


# --- snapshots ----------------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        summary="Read a snapshot, compared with today for an area",
        description="Coverage then and now, and the items whose standing changed since.",
        parameters=[AREA],
        responses={200: SnapshotDetailSerializer, **ERRORS},
    ),
)
class SnapshotViewSet(mixins.RetrieveModelMixin, CampaignApiViewSet):
    """The state of every checklist at a date, frozen."""

    queryset = Snapshot.objects.all()
    serializer_class = SnapshotDetailSerializer
    related = ("campaign__area", "taken_by")
    history = None

    def retrieve(self, request, *args, **kwargs):
        snapshot = self.get_object()
        area = campaign_area(request, snapshot.campaign)
        services.refresh_stale(snapshot.campaign, area.path)
        comparison = comparison_data(area, selectors.compare(snapshot, area))
        context = {**self.get_serializer_context(), "comparison": comparison}
        return Response(SnapshotDetailSerializer(snapshot, context=context).data)
