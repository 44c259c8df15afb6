"""The categories an item may fall in, as the which-bin lookup answers them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemCategory(models.TextChoices):
    RECYCLABLE = "recyclable", _("Recyclable")
    HAZARDOUS = "hazardous", _("Hazardous waste")
    FOOD = "food", _("Food waste")
    RESIDUAL = "residual", _("Residual waste")
    BULKY = "bulky", _("Bulky waste")
    RENOVATION = "renovation", _("Renovation waste")
    OTHER = "other", _("Not household waste")


#: What a lookup answers when it cannot tell.
UNKNOWN = "unknown"
