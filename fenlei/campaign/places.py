"""Which area a campaign's page or API call looks at, and the areas above it on the way there: one
reading for every face."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from fenlei.campaign.models import Campaign
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, get_for_user, subtree_q
from fenlei.org.models import Area


class BadArea(ValueError):
    """`area` is not the number of an area (the faces answer 400 with the message)."""


def campaign_area(user, campaign: Campaign, raw) -> Area:
    """The area `raw` (the `area` of a query) names, read through the scoping function (404 outside
    the user's scope): an area above the campaign's stands for the campaign's own, one beside it is
    not found (404). None or empty: the widest open area the user sees within the campaign's (404 if
    there is none)."""
    root = campaign.area
    if raw not in (None, ""):
        try:
            pk = int(str(raw).strip())
        except ValueError:
            raise BadArea(
                _("“area” must be the number of an area, not “{value}”.").format(value=raw)
            ) from None
        area = get_for_user(user, Action.VIEW, Area, pk=pk)
        if area.path.startswith(root.path):
            return area
        if root.path.startswith(area.path):
            return root
        raise Http404
    widest = (
        for_user(user, Action.VIEW, Area.objects.filter(subtree_q("path", root.path), closed_on__isnull=True))
        .order_by("depth", "path")
        .first()
    )
    if widest is None:
        raise Http404
    return widest


def areas_above(user, campaign: Campaign, area: Area) -> list[Area]:
    """The areas from the campaign's down to `area`'s parent that the user sees, top first."""
    paths = [p for p in area.ancestor_paths() if p.startswith(campaign.area.path)]
    return list(for_user(user, Action.VIEW, Area.objects.filter(path__in=paths)).order_by("depth"))
