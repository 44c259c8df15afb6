"""The measures of inspection and rectification through the API: the same selectors as the pages.

GET /api/inspections/measures/   done vs planned, problem rate, problems by concern, on-time rate,
                                 average days to close, repeat rate, with one row per child area
GET /api/inspections/coverage/   per child area: targets, targets meeting their monthly quota, share;
                                 the targets not inspected for months
GET /api/inspections/history/{target_type}/{id}/   a target's inspections and orders, newest first

A place is `area` (its whole subtree; the caller's widest area by default) and a period `period`
(a code: 2026-06, 2026Q2 …) or `kind` + `date` (this month by default). Outside the caller's scope
is 404. Rates are per cent.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from fenlei.core.periods import Period, PeriodKind
from fenlei.inspections import selectors
from fenlei.inspections.choices import TargetType
from fenlei.inspections.forms_plan import PlaceQuery

QUERY = [
    OpenApiParameter(
        "area", OpenApiTypes.INT, description="An area (its whole subtree). Default: your widest."
    ),
    OpenApiParameter(
        "period", OpenApiTypes.STR, description="A period code: 2026-06, 2026Q2, 2026H1, 2026, 2026W24."
    ),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=["month", "quarter", "half", "year", "week"]),
    OpenApiParameter(
        "date", OpenApiTypes.DATE, description="The day the period of `kind` contains (default today)."
    ),
]


def _rate(value):
    return float(value) if value is not None else None


def _figures(f: selectors.Figures) -> dict:
    return {
        "planned": f.planned,
        "planned_done": f.planned_done,
        "plan_rate": _rate(f.plan_rate),
        "inspections": f.inspections,
        "with_problems": f.with_problems,
        "problem_rate": _rate(f.problem_rate),
        "orders_issued": f.issued,
        "repeats": f.repeats,
        "repeat_rate": _rate(f.repeat_rate),
        "orders_due": f.due,
        "on_time": f.on_time,
        "on_time_rate": _rate(f.on_time_rate),
        "orders_closed": f.closed,
        "days_to_close": _rate(f.days_to_close),
    }


def _area(area) -> dict | None:
    return {"id": area.pk, "name": area.name} if area is not None else None


_FIGURES = inline_serializer(
    "InspectionFigures",
    {
        name: (
            serializers.FloatField(allow_null=True)
            if name.endswith(("rate", "close"))
            else serializers.IntegerField()
        )
        for name in _figures(selectors.Figures())
    },
)
_AREA = inline_serializer(
    "InspectionMeasureArea", {"id": serializers.IntegerField(), "name": serializers.CharField()}
)


class PlaceBase(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def place(self, request, default_kind=PeriodKind.MONTH):
        form = PlaceQuery(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        area = form.place(request.user)
        if area is None:
            raise exceptions.NotFound("No area of yours to measure.")
        return form, area, form.chosen(default_kind)


class MeasuresView(PlaceBase):
    @extend_schema(
        summary="Inspection and rectification measures of an area over a period",
        description=__doc__,
        parameters=QUERY,
        responses=inline_serializer(
            "InspectionMeasures",
            {
                "area": _AREA,
                "period": serializers.CharField(),
                "start": serializers.DateField(),
                "end": serializers.DateField(),
                "total": _FIGURES,
                "children": inline_serializer(
                    "InspectionMeasuresChild", {"area": _AREA, "figures": _FIGURES}, many=True
                ),
                "by_concern": inline_serializer(
                    "InspectionConcernCount",
                    {
                        "concern": serializers.CharField(),
                        "label": serializers.CharField(),
                        "orders": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        _form, area, period = self.place(request)
        m = selectors.measures(request.user, area, period)
        return Response(
            {
                "area": _area(area),
                "period": period.code,
                "start": period.start,
                "end": period.end,
                "total": _figures(m.total),
                "children": [{"area": _area(r.area), "figures": _figures(r.figures)} for r in m.children],
                "by_concern": [
                    {"concern": v, "label": str(label), "orders": n} for v, label, n in m.by_concern
                ],
            }
        )


class CoverageView(PlaceBase):
    @extend_schema(
        summary="Inspection coverage of an area in a month",
        description=__doc__,
        parameters=[
            *QUERY,
            OpenApiParameter("target_type", OpenApiTypes.STR, enum=TargetType.values),
            OpenApiParameter(
                "months", OpenApiTypes.INT, description="Neglected: not inspected in this many months (3)."
            ),
        ],
        responses=inline_serializer(
            "InspectionCoverage",
            {
                "area": _AREA,
                "month": serializers.CharField(),
                "target_type": serializers.CharField(),
                "targets": serializers.IntegerField(),
                "meeting": serializers.IntegerField(),
                "share": serializers.FloatField(allow_null=True),
                "children": inline_serializer(
                    "InspectionCoverageRow",
                    {
                        "area": _AREA,
                        "targets": serializers.IntegerField(),
                        "meeting": serializers.IntegerField(),
                        "share": serializers.FloatField(allow_null=True),
                    },
                    many=True,
                ),
                "neglected_count": serializers.IntegerField(),
                "neglected": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        form, area, period = self.place(request)
        month = period if period.kind == PeriodKind.MONTH else Period.month(period.start)
        target_type = form.cleaned_data.get("target_type") or TargetType.SITE
        c = selectors.coverage(
            request.user, area, month, target_type=target_type, months=form.cleaned_data.get("months") or 3
        )
        return Response(
            {
                "area": _area(area),
                "month": month.code,
                "target_type": target_type,
                "targets": c.total.targets,
                "meeting": c.total.meeting,
                "share": _rate(c.total.share),
                "children": [
                    {
                        "area": _area(r.area),
                        "targets": r.targets,
                        "meeting": r.meeting,
                        "share": _rate(r.share),
                    }
                    for r in c.rows
                ],
                "neglected_count": c.neglected_count,
                "neglected": [{"id": t.pk, "name": str(t)} for t in c.neglected],
            }
        )


class HistoryView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="A target's inspections and rectification orders, newest first",
        responses=inline_serializer(
            "InspectionTargetHistory",
            {
                "target": inline_serializer(
                    "InspectionHistoryTarget",
                    {
                        "type": serializers.CharField(),
                        "id": serializers.IntegerField(),
                        "name": serializers.CharField(),
                    },
                ),
                "inspections": serializers.ListField(child=serializers.DictField()),
                "orders": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request, target_type: str, target_id: int):
        if target_type not in TargetType.values:
            raise Http404
        h = selectors.target_history(request.user, target_type, target_id)
        return Response(
            {
                "target": {"type": target_type, "id": h.target.pk, "name": str(h.target)},
                "inspections": [
                    {
                        "id": i.pk,
                        "day": i.day,
                        "score": float(i.score),
                        "passed": i.passed,
                        "vetoed": i.vetoed,
                        "problems": i.problems,
                        "far": i.far,
                    }
                    for i in h.inspections
                ],
                "orders": [
                    {
                        "id": o.pk,
                        "number": o.number,
                        "state": o.state,
                        "deadline": o.deadline,
                        "escalation": o.escalation,
                        "summary": o.summary,
                    }
                    for o in h.orders
                ],
            }
        )
