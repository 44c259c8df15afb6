"""Waste categories: the national GB/T 19095-2019 classes, their sub-classes and the special streams.

Which names a screen shows (湿/干, 厨余/其他, 易腐/其他) and which streams are collected separately
come from `fenlei.taxonomy.naming`, never from templates.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fenlei.core.models import Model
from fenlei.core.scoping import Scope
from fenlei.taxonomy.choices import CategoryKind

colour_validator = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Enter a colour as #RRGGBB."))


class Category(Model):
    """A waste category. Major ones carry the national code; colours are configurable."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CategoryKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("national name"), max_length=30)
    name_en = models.CharField(_("English name"), max_length=50)
    colour = models.CharField(_("colour"), max_length=7, validators=[colour_validator], default="#6b7280")
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    scope = Scope(reference=True)

    class Meta:
        verbose_name = _("waste category")
        verbose_name_plural = _("waste categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        from fenlei.taxonomy.naming import label

        return label(self)

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:index") + f"#{self.code}"

    def clean(self) -> None:
        if self.kind == CategoryKind.SUB and (
            self.parent_id is None or self.parent.kind != CategoryKind.MAJOR
        ):
            raise ValidationError({"parent": _("A sub-category belongs to one of the four categories.")})
        if self.kind != CategoryKind.SUB and self.parent_id is not None:
            raise ValidationError({"parent": _("Only a sub-category has a parent.")})
