"""Forms of the item dictionary's pages and of the residents' "this answer is wrong"."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.public.choices import ItemCategory
from fenlei.public.models import Item
from fenlei.public.services_dictionary import MAX_NOTE, MAX_QUERY, MAX_REPLY

#: Other names are written one a line, or separated by commas or the Chinese list comma.
_ALIAS_SPLIT = re.compile(r"[\n\r,，、;；/]+")


def split_aliases(text: str) -> list[str]:
    return [a.strip() for a in _ALIAS_SPLIT.split(text or "") if a.strip()]


class ItemForm(forms.ModelForm):
    """An item: its name, category, other names and how to put it out."""

    aliases_text = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line (or separated by commas): what residents also call it."),
    )

    class Meta:
        model = Item
        fields = ["name", "category", "aliases_text", "advice"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None or self.instance.aliases:
            self.fields["aliases_text"].initial = "\n".join(self.instance.aliases or [])

    def clean_aliases_text(self) -> list[str]:
        return split_aliases(self.cleaned_data.get("aliases_text", ""))

    def item_data(self) -> dict:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data["aliases"] = data.pop("aliases_text", [])
        data.pop("reply", None)
        return data

    def _post_clean(self):
        # The services apply the values, normalise them and validate (a name taken, an alias that is
        # another item's name) inside their transaction: the form only checks each field's shape.
        pass


class FixForm(ItemForm):
    """The entry fixed from a resident's report, and what the office tells about it."""

    reply = forms.CharField(
        label=_("Reply"),
        max_length=MAX_REPLY,
        required=False,
        help_text=_("What the office did, kept with the reports it closes."),
    )

    class Meta(ItemForm.Meta):
        fields = [*ItemForm.Meta.fields, "reply"]


class DismissForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply"),
        max_length=MAX_REPLY,
        help_text=_("Why the answer is right, kept with the reports it closes."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class WrongAnswerForm(forms.Form):
    """A resident's "this answer is wrong" (no sign-in)."""

    query = forms.CharField(max_length=MAX_QUERY, widget=forms.HiddenInput)
    suggested = forms.ChoiceField(
        label=_("Which bin do you think?"),
        required=False,
        choices=[("", _("I don't know")), *ItemCategory.choices],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_NOTE}),
    )

    def __init__(self, *args, **kwargs):
        from fenlei.public.advice import category_label

        super().__init__(*args, **kwargs)
        # the categories as the district names them (湿垃圾 under Shanghai's naming)
        self.fields["suggested"].choices = [
            ("", _("I don't know")),
            *((code, category_label(code)) for code in ItemCategory.values),
        ]
