from rest_framework import serializers

from fenlei.org.api.placed import placed_serializer
from fenlei.publicity.models import Activity

ActivitySerializer = placed_serializer(
    Activity,
    [
        "date",
        "organiser",
        "kind",
        "target",
        "events",
        "materials",
        "messages",
        "participants",
        "reached_units",
        "description",
    ],
    view_name="publicity-api:activity-detail",
)


class ActivityTotalsSerializer(serializers.Serializer):
    """The totals of the activities a list request would return (same filters, same scope)."""

    records = serializers.IntegerField(help_text="Activity records matching the filters.")
    events = serializers.IntegerField(help_text="Sum of events (场次).")
    materials = serializers.IntegerField(help_text="Sum of materials handed out (份).")
    messages = serializers.IntegerField(help_text="Sum of messages sent (条).")
    participants = serializers.IntegerField(help_text="Sum of participants (人次).")
