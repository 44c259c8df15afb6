"""Freshness of the ledgers (the seed's 动态更新): when each unit last touched each ledger.

For every ledger of placed rows (every concrete `PlacedModel`) and every community or street the
user may see: the last time a row of that ledger under the unit was created, changed or closed.
A unit whose ledger has not been touched for `FENLEI_STALE_DAYS` days (or never) is stale. One
grouped query per ledger, whatever the number of units.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import Max
from django.db.models.functions import Substr
from django.utils import timezone

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, subtree_q
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.models import Area
from fenlei.org.placed import PlacedModel


def ledgers() -> list[type[PlacedModel]]:
    """Every ledger of placed rows, in a stable order."""
    found = [m for m in apps.get_models() if issubclass(m, PlacedModel)]
    return sorted(found, key=lambda m: (m._meta.app_label, m._meta.model_name))


@dataclass
class FreshnessRow:
    area: Area
    last: list[datetime.datetime | None] = field(default_factory=list)
    stale: list[bool] = field(default_factory=list)

    @property
    def any_stale(self) -> bool:
        return any(self.stale)


def freshness(
    user, *, level: int = AreaLevel.COMMUNITY, within: Area | None = None, days: int | None = None
) -> tuple[list[type[PlacedModel]], list[FreshnessRow]]:
    days = settings.FENLEI_STALE_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    kinds = [k for k, v in KIND_LEVEL.items() if v == level]
    units = for_user(user, Action.VIEW, Area.objects.filter(kind__in=kinds, closed_on__isnull=True))
    if within is not None:
        units = units.filter(subtree_q("path", within.path))
    units = list(units.select_related("parent").order_by("path"))
    models = [m for m in ledgers() if any(lv >= level for lv in m.placement_levels)]
    rows = [FreshnessRow(u) for u in units]
    if not units:
        return models, rows
    width = len(units[0].path)
    for model in models:
        qs = for_user(user, Action.VIEW, model._default_manager.all())
        if within is not None:
            qs = qs.filter(subtree_q("area_path", within.path))
        last = dict(
            qs.annotate(prefix=Substr("area_path", 1, width))
            .values_list("prefix")
            .annotate(m=Max("updated_at"))
            .order_by()
        )
        for row in rows:
            value = last.get(row.area.path)
            row.last.append(value)
            row.stale.append(value is None or value < cutoff)
    return models, rows
