"""Rows placed in the structure: the base of every ledger (facilities, people, publicity …).

A placed row belongs to an area (a community, or a street for street-level things) and optionally
to one site in that community. It carries the area's path, so the scoping function reaches it from
any area above it, and a site manager reaches the rows of its own site.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenlei.core.models import ScopedModel
from fenlei.core.scoping import Scope


def list_index(name: str, *ordering: str) -> models.Index:
    """The index a big ledger's list reads in order: the ledger's ordering (`-field` for descending),
    then `closed_on`, which every list filters on.

    It answers the first page without a sort, and the count and a deep page's keys from the index
    alone, without reading the rows (see `ScopedListView.paginate_queryset`)."""
    fields = [f.removesuffix("pk") + "id" if f.lstrip("-") == "pk" else f for f in ordering]
    return models.Index(fields=[*fields, "closed_on"], name=name)


class PlacedModel(ScopedModel):
    """A ledger row in an area (and perhaps a site). Closed, never deleted."""

    area = models.ForeignKey(
        "org.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The community (or street) the record belongs to."),
    )
    site = models.ForeignKey(
        "org.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope = Scope(area="area_path", site="site_id")
    #: The area levels a row of this ledger may be placed at (see org.choices.AreaLevel).
    placement_levels: tuple[int, ...] = (3,)

    class Meta(ScopedModel.Meta):
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def street_area(self):
        """The street the row is at (a street-level row) or in (a community-level row); None above."""
        from fenlei.org.choices import AreaLevel

        if self.area.level == AreaLevel.STREET:
            return self.area
        if self.area.level == AreaLevel.COMMUNITY:
            return self.area.parent
        return None

    @property
    def place(self) -> str:
        """Where the row is, as a person reads it."""
        if self.site_id:
            return f"{self.area} · {self.site}"
        return str(self.area) if self.area_id else ""

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.site_id:
            site = self.site
            if self.area_id is None or self.area_id != site.community_id:
                self.area = site.community
            if site.closed_on is not None and self.closed_on is None:
                errors["site"] = _("“{site}” is closed.").format(site=site)
        if self.area_id:
            area = self.area
            if area.level not in self.placement_levels:
                errors["area"] = _("A {model} cannot be placed at a {kind}.").format(
                    model=self._meta.verbose_name, kind=area.get_kind_display()
                )
            elif area.closed_on is not None and self.closed_on is None:
                errors["area"] = _("“{area}” is closed: nothing new can be placed in it.").format(area=area)
            else:
                self.area_path = area.path
        if errors:
            raise ValidationError(errors)
