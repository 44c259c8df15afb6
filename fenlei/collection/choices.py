from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The stream code of a load collected unsorted (混合): never one of a scheme's streams.
MIXED = "mixed"


class Grade(models.TextChoices):
    """The hauler's grade of how well the source sorted (好/一般/差)."""

    GOOD = "good", pgettext_lazy("sorting grade", "good")
    FAIR = "fair", pgettext_lazy("sorting grade", "fair")
    POOR = "poor", pgettext_lazy("sorting grade", "poor")


#: What people write for a grade in a sheet or a device's payload, besides the codes.
GRADE_WORDS = {"好": Grade.GOOD, "一般": Grade.FAIR, "中": Grade.FAIR, "差": Grade.POOR}


class EntryFace(models.TextChoices):
    """How a record came in."""

    FORM = "form", pgettext_lazy("entry face", "form")
    IMPORT = "import", pgettext_lazy("entry face", "Excel import")
    API = "api", pgettext_lazy("entry face", "API")
    DEVICE = "device", pgettext_lazy("entry face", "device")
    CLI = "cli", pgettext_lazy("entry face", "command line")
    SYSTEM = "system", pgettext_lazy("entry face", "system")


class DeviceKind(models.TextChoices):
    WEIGHBRIDGE = "weighbridge", _("weighbridge or on-board scale")
    SYSTEM = "system", _("hauler's system")


class ManifestState(models.TextChoices):
    """A kitchen-waste transfer manifest (联单): issued at the restaurant, received at the plant."""

    ISSUED = "issued", pgettext_lazy("manifest", "issued")
    RECEIVED = "received", pgettext_lazy("manifest", "received at the plant")
    CANCELLED = "cancelled", pgettext_lazy("manifest", "cancelled")


class Frequency(models.TextChoices):
    """How often an expected report is due."""

    DAILY = "daily", _("every day")
    WEEKLY = "weekly", _("every week")
    MONTHLY = "monthly", _("every month")


class RuleKind(models.TextChoices):
    """What a validation rule bounds, for a unit over a period."""

    WET_SHARE = "wet_share", _("share of the food (wet) stream in the unit's total, %")
    PER_CAPITA = "per_capita", _("kilograms per resident per day")
    DAY_WEIGHT = "day_weight", _("kilograms of one stream in one day at one site")


class AlarmKind(models.TextChoices):
    # 家里几类、出门一类: sorted at home, mixed on the way out
    TRIP_MIXED = "trip_mixed", _("a trip carries streams that must not be combined")
    VEHICLE_STREAM = "vehicle_stream", _("a vehicle recorded a stream it does not collect")
    WET_VANISHED = "wet_vanished", _("a site's wet stream disappears while its dry stream rises")
    ONLY_MIXED = "only_mixed", _("a site is recorded only as mixed waste")
    POOR_GRADES = "poor_grades", _("the hauler's “poor” grades pile up at a site")
    # kitchen-waste chain (餐厨)
    KITCHEN_GAP = "kitchen_gap", _("a restaurant with a signed commitment has no pick-up")
    NO_CONTRACT = "no_contract", _("a hauler collects from a restaurant without a contract")
    # data quality
    RULE = "rule", _("a validation rule is broken")
    OUTLIER = "outlier", _("a statistical outlier")
    MISSING = "missing", _("an expected report is missing")


#: The kinds that are mixed-collection alarms; the others are data-quality findings.
MIXING_KINDS = frozenset(
    {
        AlarmKind.TRIP_MIXED,
        AlarmKind.VEHICLE_STREAM,
        AlarmKind.WET_VANISHED,
        AlarmKind.ONLY_MIXED,
        AlarmKind.POOR_GRADES,
        AlarmKind.KITCHEN_GAP,
        AlarmKind.NO_CONTRACT,
    }
)


class AlarmState(models.TextChoices):
    OPEN = "open", pgettext_lazy("alarm", "open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alarm", "being handled")
    RESOLVED = "resolved", pgettext_lazy("alarm", "resolved")
    DISMISSED = "dismissed", pgettext_lazy("alarm", "dismissed")
