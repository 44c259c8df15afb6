from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    TOWN = "town", _("Town")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")


class AreaLevel(models.IntegerChoices):
    CITY = 0, _("City")
    DISTRICT = 1, _("District")
    STREET = 2, _("Street / town")
    COMMUNITY = 3, _("Community / village")


#: The level each kind stands at.
KIND_LEVEL = {
    AreaKind.CITY: AreaLevel.CITY,
    AreaKind.DISTRICT: AreaLevel.DISTRICT,
    AreaKind.STREET: AreaLevel.STREET,
    AreaKind.TOWN: AreaLevel.STREET,
    AreaKind.TOWNSHIP: AreaLevel.STREET,
    AreaKind.COMMUNITY: AreaLevel.COMMUNITY,
    AreaKind.VILLAGE: AreaLevel.COMMUNITY,
}


def kinds_at(*levels: int) -> list[str]:
    """The area kinds standing at any of `levels` (e.g. street, town and township for STREET)."""
    return [kind for kind, level in KIND_LEVEL.items() if level in levels]


#: The kinds each level may hold as children.
CHILD_KINDS = {
    AreaLevel.CITY: (AreaKind.DISTRICT,),
    AreaLevel.DISTRICT: (AreaKind.STREET, AreaKind.TOWN, AreaKind.TOWNSHIP),
    AreaLevel.STREET: (AreaKind.COMMUNITY, AreaKind.VILLAGE),
    AreaLevel.COMMUNITY: (),
}

#: Width of one segment of the materialized path ("0001.").
PATH_SEGMENT = 4
PATH_SEP = "."
