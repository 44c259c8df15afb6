from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FacilityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Under construction")
    IN_USE = "in_use", _("In use")
    OUT_OF_USE = "out_of_use", _("Out of use")


class DropOffKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Fixed time and place")
    AFTER_HOURS = "after_hours", _("After-hours point")
    SMART = "smart", _("Smart point")


#: Common container sizes in litres (others are accepted).
CONTAINER_VOLUMES = (120, 240, 660, 1100)


class IntermediateKind(models.TextChoices):
    """Facilities between the drop-off points and the plants, kept by streets and communities."""

    SORTING_CENTRE = "sorting_centre", _("Sorting centre")
    PERISHABLE_TRANSFER = "perishable_transfer", _("Perishable-waste transfer point")
    BULKY_STORAGE = "bulky_storage", _("Renovation and bulky-waste storage point")
    RECYCLABLE_POINT = "recyclable_point", _("Recyclable collection point")
    HAZARDOUS_POINT = "hazardous_point", _("Hazardous-waste collection point")


class TerminalKind(models.TextChoices):
    """Treatment and disposal plants at the end of the chain."""

    INCINERATION = "incineration", _("Incineration")
    BIOCHEMICAL = "biochemical", _("Biochemical treatment / composting")
    RECYCLING = "recycling", _("Resource recovery")
    HAZARDOUS = "hazardous", _("Hazardous-waste disposal")
    GARDEN = "garden", _("Garden-waste treatment")
    MARKET = "market", _("Market-waste treatment")
    LANDFILL = "landfill", _("Landfill")


class PurchaseItem(models.TextChoices):
    CONTAINER = "container", _("Containers")
    VEHICLE = "vehicle", _("Vehicles")
    OTHER = "other", _("Other")


class PurchaseStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("purchase", "Planned")
    ORDERED = "ordered", pgettext_lazy("purchase", "Ordered")
    DELIVERED = "delivered", pgettext_lazy("purchase", "Delivered")
    DEPLOYED = "deployed", pgettext_lazy("purchase", "Deployed")


#: The status a planned purchase may move to from each status: forward by any number of steps (a
#: late entry), back by one step (a correction).
PURCHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    PurchaseStatus.PLANNED: frozenset(
        {PurchaseStatus.ORDERED, PurchaseStatus.DELIVERED, PurchaseStatus.DEPLOYED}
    ),
    PurchaseStatus.ORDERED: frozenset(
        {PurchaseStatus.PLANNED, PurchaseStatus.DELIVERED, PurchaseStatus.DEPLOYED}
    ),
    PurchaseStatus.DELIVERED: frozenset({PurchaseStatus.ORDERED, PurchaseStatus.DEPLOYED}),
    PurchaseStatus.DEPLOYED: frozenset({PurchaseStatus.DELIVERED}),
}
