from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    MAJOR = "major", _("Category (GB/T 19095-2019)")
    SUB = "sub", _("Sub-category")
    SPECIAL = "special", _("Special stream")


class MajorCode(models.TextChoices):
    """The four national categories by stable code."""

    RECYCLABLE = "recyclable", _("Recyclable")
    HAZARDOUS = "hazardous", _("Hazardous waste")
    FOOD = "food", _("Food waste")
    RESIDUAL = "residual", _("Residual waste")
