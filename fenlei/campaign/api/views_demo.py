"""The demonstration sites through the API: the list, the community's application, each site's way
with its steps (the acceptance and the re-check carry a scoring sheet), and its files.

Every step calls `services.demo_step`, the one service every face calls: the state must allow the
step (else 400) and the caller must act in the step's capacity — the community applies and
resubmits, the street reviews and returns, the district accepts, names, re-checks and revokes (else
403). A scoring sheet is parsed exactly as an inspection's submission is (`fenlei.inspections.api`).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from fenlei.campaign import services
from fenlei.campaign.api.filtersets import DemoSiteFilterSet
from fenlei.campaign.api.serializers import (
    DemoApplySerializer,
    DemoSiteSerializer,
    DemoStepDataSerializer,
    DemoStepMultipartSerializer,
    DemoStepsSerializer,
    allowed_step_data,
)
from fenlei.campaign.api.views import BINARY, ERRORS, FILE, CampaignApiViewSet, files_of
from fenlei.campaign.choices import DEMO_SCORED
from fenlei.campaign.models import Campaign, DemoSite
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.inspections import services as inspections
from fenlei.inspections.api.views import json_part, photos_in
from fenlei.inspections.choices import TargetType
from fenlei.org.models import Site

_ACCEPT_EXAMPLE = {
    "step": "accept",
    "note": "验收合格",
    "answers": [{"code": "F1", "result": "pass"}, {"code": "F2", "result": "fail", "note": "桶满溢"}],
    "photos": [{"code": "F2", "taken_at": "2026-08-03T09:30:00+08:00"}],
}


@extend_schema_view(
    list=extend_schema(summary="List demonstration sites"),
    retrieve=extend_schema(summary="Read a demonstration site: its state, files and every step"),
    history=extend_schema(summary="A demonstration site's audit history"),
)
class DemoSiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CampaignApiViewSet):
    """Demonstration sites (示范点) from application to plaque (and, perhaps, revocation)."""

    queryset = DemoSite.objects.all()
    serializer_class = DemoSiteSerializer
    filterset_class = DemoSiteFilterSet
    related = ("site__kind", "area", "campaign")
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    upload_actions = frozenset({"create", "steps"})

    def get_queryset(self):
        qs = super().get_queryset().order_by("area_path", "kind", "pk")
        return qs.prefetch_related("events") if self.action in ("list", "retrieve") else qs

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("files", {})
        return context

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {
            **self.get_serializer_context(),
            "files": files_of(DemoSite, [d.pk for d in page], "evidence"),
        }
        return self.get_paginated_response(DemoSiteSerializer(page, many=True, context=context).data)

    def detail_response(self, demo, answer=status.HTTP_200_OK) -> Response:
        demo = DemoSite.objects.select_related(*self.related).prefetch_related("events").get(pk=demo.pk)
        context = {**self.get_serializer_context(), "files": files_of(DemoSite, [demo.pk], "evidence")}
        return Response(DemoSiteSerializer(demo, context=context).data, status=answer)

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Apply for a site to become a demonstration site (the community)",
        description=(
            "Multipart: `campaign`, `site`, `kind` (optional), `note` and the files `files` "
            "(repeated; PDF or photos); or JSON without files. 400 when the campaign or the site is "
            "not one you may see, the site's kind does not fit, it already has an application or a "
            "title, or neither a note nor a file is given; 403 for anyone but the site's community."
        ),
        request={"multipart/form-data": DemoApplySerializer, "application/json": DemoApplySerializer},
        responses={201: DemoSiteSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        body = DemoApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        campaign = for_user(request.user, Action.VIEW, Campaign).filter(pk=data["campaign"]).first()
        if campaign is None:
            raise exceptions.ValidationError(
                {
                    "campaign": [
                        _("No {kind} you may see has the id {id}.").format(
                            kind=_("campaign"), id=data["campaign"]
                        )
                    ]
                }
            )
        site = (
            for_user(request.user, Action.VIEW, Site).select_related("kind").filter(pk=data["site"]).first()
        )
        if site is None:
            raise exceptions.ValidationError(
                {
                    "site": [
                        _("No {kind} you may see has the id {id}.").format(kind=_("site"), id=data["site"])
                    ]
                }
            )
        demo = services.apply_demo(
            campaign=campaign,
            site=site,
            kind=data["kind"] or None,
            by=request.user,
            note=data["note"],
            files=data["files"],
        )
        return self.detail_response(demo, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The steps you may take now on a demonstration site",
        responses=DemoStepsSerializer,
    )
    @extend_schema(
        methods=["POST"],
        summary="Take a step on a demonstration site",
        description=(
            "JSON, or multipart with a part `data` (the JSON) and the scoring sheet's photos `photos` "
            "(repeated, described in order by `data.photos`). `step`: resubmit (the community); "
            "review, return (the street); accept, name, recheck, revoke (the district). return and "
            "revoke need a `note`; name needs the `plaque` number; accept and recheck need the "
            "scoring sheet: `answers` for every item of the site's checklist (GET gives its "
            "address), a photo for each problem. The sheet is kept as an inspection of the site; "
            "it passes with the campaign's pass mark and no veto (a failed re-check revokes the "
            "title). 400 when the state does not allow the step or the input is wrong; 403 when "
            "you do not act in the step's capacity."
        ),
        request={
            "application/json": DemoStepDataSerializer,
            "multipart/form-data": DemoStepMultipartSerializer,
        },
        responses={200: DemoSiteSerializer, **ERRORS},
        examples=[
            OpenApiExample("Review", request_only=True, value={"step": "review", "note": "初审通过"}),
            OpenApiExample("Name", request_only=True, value={"step": "name", "plaque": "DH-2026-001"}),
            OpenApiExample("Acceptance with its scoring sheet", request_only=True, value=_ACCEPT_EXAMPLE),
        ],
    )
    @action(detail=True, methods=["get", "post"])
    def steps(self, request, pk=None):
        demo = self.get_object()
        if request.method == "GET":
            allowed = services.allowed_demo_steps(request.user, demo)
            checklist = None
            if any(step in DEMO_SCORED for step in allowed):
                version = inspections.template_for(TargetType.SITE, demo.site)
                if version is not None:
                    url = reverse(
                        "inspections-api:checklist-version", args=[version.template_id, version.number]
                    )
                    checklist = request.build_absolute_uri(url)
            return Response(
                DemoStepsSerializer(
                    {"state": demo.state, "steps": [allowed_step_data(s, checklist) for s in allowed]}
                ).data
            )
        body = DemoStepDataSerializer(data=json_part(request))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        sheet = None
        if data["step"] in DEMO_SCORED:
            sheet = services.Sheet(
                answers=[inspections.AnswerIn(**a) for a in data["answers"]],
                photos=photos_in(request, data["photos"]),
                client_id=data.get("client_id"),
                note=data["sheet_note"],
            )
        demo = services.demo_step(
            demo, data["step"], by=request.user, note=data["note"], sheet=sheet, plaque=data["plaque"]
        )
        return self.detail_response(demo)

    @extend_schema(
        summary="Read a file of a demonstration site's application", parameters=[FILE], responses=BINARY
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file>[0-9]+)", url_name="file")
    def file(self, request, pk=None, file=None):
        return self.file_of(self.get_object(), "evidence", file)
