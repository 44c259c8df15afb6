"""The measures' API: the same figures as the collection overview and the data-quality page.

GET /api/collection/measures/           tonnage by stream, both comparisons, rates, reductions
GET /api/collection/measures/children/  the same per child unit (streets, communities or sites)
GET /api/collection/measures/quality/   completeness, timeliness, follow-ups and open findings

Each takes a place (`area`, `site` or `hauler`; the caller's own by default) and a period (`period`
code, or `kind` + `date`, or `start` + `end`; this month by default). Outside the caller's scope is
404. Shares are fractions (0.526 = 52.6 %); changes are in per cent; weights in kilograms.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from fenlei.collection import quality, selectors
from fenlei.collection.forms_config import MeasuresQuery

# --- the shape of the answers -------------------------------------------------------------------------


class MeasureSubjectSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="area, site or hauler")
    id = serializers.IntegerField()
    name = serializers.CharField()
    population = serializers.IntegerField(help_text="Residents (areas and sites; 0 for a haulier).")


class MeasureWindowSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class MeasurePeriodSerializer(MeasureWindowSerializer):
    chosen_end = serializers.DateField(help_text="The last day of the period as asked for.")
    ongoing = serializers.BooleanField(
        help_text="The period is not over: it is measured to today and compared with as many days."
    )
    days = serializers.IntegerField()


class MeasureStreamSerializer(serializers.Serializer):
    stream = serializers.CharField(help_text="Stream code; empty for all streams together.")
    label = serializers.CharField()
    kg = serializers.FloatField()
    previous_kg = serializers.FloatField()
    last_year_kg = serializers.FloatField()
    change_pct = serializers.FloatField(allow_null=True, help_text="Change on the previous period, per cent.")
    change_last_year_pct = serializers.FloatField(allow_null=True)


class MeasureRateSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(allow_null=True)
    last_year = serializers.FloatField(allow_null=True)


class MeasureRatesSerializer(serializers.Serializer):
    food_share = MeasureRateSerializer(help_text="厨余分出率: food ÷ (food + residual + mixed), a fraction.")
    recycling_rate = MeasureRateSerializer(
        help_text="回收利用率: FENLEI_RECYCLING_STREAMS ÷ all streams, a fraction."
    )
    per_capita_kg = MeasureRateSerializer(
        help_text="Kilograms per resident per day (null without a population)."
    )


class MeasureReductionSerializer(serializers.Serializer):
    stream = serializers.CharField(help_text="Empty: all streams.")
    baseline = serializers.CharField()
    baseline_kg_per_day = serializers.FloatField()
    kg_per_day = serializers.FloatField()
    rate = serializers.FloatField(
        allow_null=True, help_text="减量率, a fraction (negative: more than the baseline)."
    )


class MeasuresSerializer(serializers.Serializer):
    subject = MeasureSubjectSerializer()
    period = MeasurePeriodSerializer()
    previous = MeasureWindowSerializer()
    last_year = MeasureWindowSerializer()
    streams = MeasureStreamSerializer(many=True)
    total = MeasureStreamSerializer()
    rates = MeasureRatesSerializer()
    reductions = MeasureReductionSerializer(many=True)


class MeasureChildSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="area or site")
    id = serializers.IntegerField()
    name = serializers.CharField()
    kg = serializers.FloatField()
    previous_kg = serializers.FloatField()
    change_pct = serializers.FloatField(allow_null=True)
    streams = serializers.DictField(child=serializers.FloatField(), help_text="Stream code → kg.")
    per_capita_kg = serializers.FloatField(allow_null=True)
    food_share = serializers.FloatField(allow_null=True)
    recycling_rate = serializers.FloatField(allow_null=True)


class MeasureChildrenSerializer(serializers.Serializer):
    subject = MeasureSubjectSerializer()
    period = MeasurePeriodSerializer()
    previous = MeasureWindowSerializer()
    children = MeasureChildSerializer(many=True)


class MeasureQualityFiguresSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False, help_text="area or site")
    id = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False)
    expected = serializers.IntegerField()
    received = serializers.IntegerField()
    on_time = serializers.IntegerField()
    completeness = serializers.FloatField(allow_null=True, help_text="received ÷ expected")
    timeliness = serializers.FloatField(allow_null=True, help_text="on time ÷ received")
    follow_up = serializers.IntegerField(help_text="Records marked for follow-up in the period.")


class MeasureQualitySerializer(serializers.Serializer):
    subject = MeasureSubjectSerializer()
    period = MeasurePeriodSerializer()
    total = MeasureQualityFiguresSerializer()
    units = MeasureQualityFiguresSerializer(many=True)
    findings = serializers.DictField(child=serializers.IntegerField(), help_text="Open findings by kind.")


# --- turning figures into answers ---------------------------------------------------------------------


def _subject(s: selectors.Subject) -> dict:
    return {"kind": s.kind, "id": s.obj.pk, "name": s.name, "population": s.population}


def _period(c: selectors.Comparison) -> dict:
    return {
        "start": c.current.start,
        "end": c.current.end,
        "chosen_end": c.chosen.end,
        "ongoing": c.ongoing,
        "days": c.current.days,
    }


def _window(w: selectors.Window) -> dict:
    return {"start": w.start, "end": w.end}


def _stream(r: selectors.StreamRow) -> dict:
    return {
        "stream": r.code,
        "label": r.label,
        "kg": r.kg,
        "previous_kg": r.previous_kg,
        "last_year_kg": r.last_year_kg,
        "change_pct": r.change,
        "change_last_year_pct": r.change_last_year,
    }


def measures_data(m: selectors.Measures) -> dict:
    rates = {r.key: {"value": r.value, "previous": r.previous, "last_year": r.last_year} for r in m.rates}
    return {
        "subject": _subject(m.subject),
        "period": _period(m.comparison),
        "previous": _window(m.comparison.previous),
        "last_year": _window(m.comparison.last_year),
        "streams": [_stream(r) for r in m.streams],
        "total": _stream(m.total),
        "rates": {
            "food_share": rates["food_share"],
            "recycling_rate": rates["recycling_rate"],
            "per_capita_kg": rates["per_capita"],
        },
        "reductions": [
            {
                "stream": r.stream,
                "baseline": r.baseline_label,
                "baseline_kg_per_day": r.baseline_kg_per_day,
                "kg_per_day": r.kg_per_day,
                "rate": r.rate,
            }
            for r in m.reductions
        ],
    }


def _quality_row(r: quality.QualityRow, unit: bool) -> dict:
    data = {
        "expected": r.expected,
        "received": r.received,
        "on_time": r.on_time,
        "completeness": r.completeness,
        "timeliness": r.timeliness,
        "follow_up": r.follow_up,
    }
    if unit:
        kind = "site" if hasattr(r.unit, "community_id") else "area"
        data.update(kind=kind, id=r.unit.pk, name=r.unit.name)
    return data


# --- the views ----------------------------------------------------------------------------------------

QUERY = [
    OpenApiParameter("area", OpenApiTypes.INT, description="An area (its whole subtree). Default: your own."),
    OpenApiParameter("site", OpenApiTypes.INT, description="One site instead of an area."),
    OpenApiParameter("hauler", OpenApiTypes.INT, description="A haulier's own totals (a haulier's role)."),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        description="A period code: 2026-05-31, 2026W22, 2026-05, 2026Q2, 2026H1, 2026.",
    ),
    OpenApiParameter(
        "kind",
        OpenApiTypes.STR,
        enum=["day", "week", "month", "quarter", "year"],
        description="A kind of period…",
    ),
    OpenApiParameter("date", OpenApiTypes.DATE, description="…around this date (default today)."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="Any first day (with end)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Any last day (with start)."),
]


class MeasuresBase(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def query(self, request):
        form = MeasuresQuery(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        subject = form.subject(request.user)
        if subject is None:
            raise exceptions.NotFound("No area, site or haulier of yours to measure.")
        return subject, form.comparison()


class MeasuresView(MeasuresBase):
    @extend_schema(
        summary="Collection measures of a place over a period",
        description=__doc__,
        parameters=QUERY,
        responses=MeasuresSerializer,
        examples=[
            OpenApiExample(
                "A street in May",
                value={
                    "subject": {"kind": "area", "id": 2, "name": "甲街道", "population": 5000},
                    "period": {
                        "start": "2026-05-01",
                        "end": "2026-05-31",
                        "chosen_end": "2026-05-31",
                        "ongoing": False,
                        "days": 31,
                    },
                    "previous": {"start": "2026-04-01", "end": "2026-04-30"},
                    "last_year": {"start": "2025-05-01", "end": "2025-05-31"},
                    "streams": [
                        {
                            "stream": "wet",
                            "label": "湿垃圾",
                            "kg": 500.0,
                            "previous_kg": 400.0,
                            "last_year_kg": 250.0,
                            "change_pct": 25.0,
                            "change_last_year_pct": 100.0,
                        }
                    ],
                    "total": {
                        "stream": "",
                        "label": "全部",
                        "kg": 1000.0,
                        "previous_kg": 800.0,
                        "last_year_kg": 1000.0,
                        "change_pct": 25.0,
                        "change_last_year_pct": 0.0,
                    },
                    "rates": {
                        "food_share": {"value": 0.5263, "previous": 0.5, "last_year": 0.25},
                        "recycling_rate": {"value": 0.55, "previous": 0.5, "last_year": 0.25},
                        "per_capita_kg": {"value": 0.00645, "previous": 0.00533, "last_year": 0.00645},
                    },
                    "reductions": [
                        {
                            "stream": "dry",
                            "baseline": "2019",
                            "baseline_kg_per_day": 20.0,
                            "kg_per_day": 12.9,
                            "rate": 0.3548,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        subject, comparison = self.query(request)
        return Response(MeasuresSerializer(measures_data(selectors.measures(subject, comparison))).data)


class ChildrenView(MeasuresBase):
    @extend_schema(
        summary="Collection measures per child unit",
        description="A district's streets, a street's communities, a community's sites: each with its "
        "total, the change on the previous period, its per-capita figure and its rates.",
        parameters=QUERY,
        responses=MeasureChildrenSerializer,
    )
    def get(self, request):
        subject, comparison = self.query(request)
        rows = []
        for c in selectors.children(subject, comparison):
            rows.append(
                {
                    "kind": c.kind,
                    "id": c.obj.pk,
                    "name": c.obj.name,
                    "kg": c.now.total_kg,
                    "previous_kg": c.before.total_kg,
                    "change_pct": c.change,
                    "streams": {s: g / 1000 for s, g in sorted(c.now.grams.items())},
                    "per_capita_kg": c.now.per_capita,
                    "food_share": c.now.food_share,
                    "recycling_rate": c.now.recycling_rate,
                }
            )
        data = {
            "subject": _subject(subject),
            "period": _period(comparison),
            "previous": _window(comparison.previous),
            "children": rows,
        }
        return Response(MeasureChildrenSerializer(data).data)


class QualityView(MeasuresBase):
    @extend_schema(
        summary="Data quality of a place over a period",
        description="Completeness (reports received ÷ expected) and timeliness (on time ÷ received) of "
        "the expected reports per unit, records marked for follow-up, open findings by kind. A "
        "haulier's totals have no expected reports (403).",
        parameters=QUERY,
        responses=MeasureQualitySerializer,
    )
    def get(self, request):
        subject, comparison = self.query(request)
        q = quality.quality(subject, comparison.current)
        if q is None:
            raise exceptions.PermissionDenied("A haulier's totals have no expected reports.")
        data = {
            "subject": _subject(subject),
            "period": _period(comparison),
            "total": _quality_row(q.total, unit=False),
            "units": [_quality_row(r, unit=True) for r in q.rows],
            "findings": {str(k): n for k, n in sorted(q.findings.items())},
        }
        return Response(MeasureQualitySerializer(data).data)
