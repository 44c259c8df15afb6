from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.ledger_faces import PlacedForm
from fenlei.taxonomy.models import Category


class DropOffPointForm(PlacedForm):
    class Meta:
        model = DropOffPoint
        fields = [
            "name",
            "area",
            "site",
            "kind",
            "status",
            "opening_hours",
            "households_served",
            "supervisor",
            "supervisor_phone",
            "address",
            "latitude",
            "longitude",
            "in_use_since",
        ]


class ContainerForm(PlacedForm):
    class Meta:
        model = Container
        fields = ["area", "site", "point", "category", "volume_l", "count", "status", "in_use_since"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from fenlei.taxonomy.naming import label

        self.fields["category"].queryset = Category.objects.filter(kind="major")
        self.fields["category"].label_from_instance = label
        area_id = self.data.get("area") or self.initial.get("area") or self.instance.area_id
        points = DropOffPoint.objects.filter(closed_on__isnull=True)
        self.fields["point"].queryset = (
            points.filter(area_id=area_id) if str(area_id or "").isdigit() else points.none()
        )
