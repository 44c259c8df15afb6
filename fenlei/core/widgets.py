"""Widgets the UI shell shares."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OneOfManySelect(forms.Select):
    """A single drop-down for a filter that accepts several values.

    Pages choose one value; the API (which shares the FilterSet) may pass several (`?kind=1&kind=2`).
    """

    empty_label = _("All")

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return [v for v in data.getlist(name) if v]
        value = data.get(name)
        return [value] if value else []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        blank = self.create_option(name, "", str(self.empty_label), not value, 0)
        context["widget"]["optgroups"].insert(0, (None, [blank], 0))
        return context
