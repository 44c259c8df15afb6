"""The item dictionary of the which-bin lookup: fenlei's own, shipped with the migrations and kept by
the district office (every change audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenlei.core.models import Model
from fenlei.core.scoping import Scope
from fenlei.public.choices import ItemCategory


class Item(Model):
    """One item a resident may ask about: its category, its other names, how to put it out."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=ItemCategory.choices)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    pinyin = models.CharField(_("pinyin"), max_length=200, editable=False, db_index=True)
    initials = models.CharField(_("pinyin initials"), max_length=40, editable=False, db_index=True)
    advice = models.CharField(
        _("how to put it out"), max_length=200, blank=True, help_text=_("Left empty: the category's advice.")
    )
    active = models.BooleanField(_("in use"), default=True)

    # reference data: every role reads it; the district office keeps it
    scope = Scope(reference=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("item dictionary")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from fenlei.public.text import initials_of, normal, pinyin_of

        super().clean()
        self.name = normal(self.name)
        if not self.name:
            raise ValidationError({"name": _("Give the item's name.")})
        self.aliases = sorted(
            {normal(a) for a in (self.aliases or []) if normal(a) and normal(a) != self.name}
        )
        self.pinyin = pinyin_of(self.name)
        self.initials = initials_of(self.name)
