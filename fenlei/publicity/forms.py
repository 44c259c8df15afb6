from django import forms

from fenlei.org.ledger_faces import PlacedForm
from fenlei.publicity.models import Activity


class ActivityForm(PlacedForm):
    class Meta:
        model = Activity
        fields = [
            "area",
            "site",
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
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
