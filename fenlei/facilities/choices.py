from django.db import models
from django.utils.translation import gettext_lazy as _


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
