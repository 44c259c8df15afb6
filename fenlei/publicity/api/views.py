from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from fenlei.core.api_attachments import AttachmentsViewSetMixin
from fenlei.org.api.placed import PlacedViewSet
from fenlei.publicity import selectors
from fenlei.publicity.api.serializers import ActivitySerializer, ActivityTotalsSerializer
from fenlei.publicity.filtersets import ActivityFilterSet
from fenlei.publicity.models import Activity


@extend_schema_view(
    list=extend_schema(
        summary="List publicity activities",
        description="Newest first. The totals of the same query (all pages) are at `summary/`.",
    )
)
class ActivityViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Publicity activities (宣传活动)."""

    queryset = Activity.objects.all()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    filtered_actions = frozenset({"list", "summary"})

    @extend_schema(
        summary="Totals of publicity activities",
        description="The number of activity records and the sums of their counts (events 场次, materials "
        "份, messages 条, participants 人次) over exactly the rows the list returns for the same query "
        "parameters: the same filters, the same scope, open rows unless `open` says otherwise. "
        "Pagination parameters are ignored.",
        responses=ActivityTotalsSerializer,
        filters=True,
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        return Response(ActivityTotalsSerializer(selectors.activity_totals(queryset)).data)
