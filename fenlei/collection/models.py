"""Collection and weighing data: what leaves each site, by stream.

A `Record` is one weighed (or counted) load from one source — a site, or a community or street for an
area-level point — on one day, in one stream. Records come in through a form, an Excel import, the
API and weighing devices (`Device`, a token each); a device's retried request is recognised by the
record's client id and never counted twice. A vehicle's run is a `Trip`: its ordered pick-ups and its
unloading at a transfer station or a plant, where the weighbridge figure is compared with the sum of
the pick-ups. A restaurant's kitchen waste travels with a transfer manifest (`Manifest`, 联单).

Screens never sum records. The totals they read (`AreaDay`, `AreaMonth`, `SiteDay`, `HaulerDay`) are
kept current in the transaction that writes, corrects or voids a record (`fenlei.collection.rollups`);
`fenlei rebuild_rollups` recomputes them from the records.

Records are voided, never deleted: a voided record keeps its client id (a retry stays a retry) and
leaves every total.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fenlei.collection.choices import (
    AlarmKind,
    AlarmState,
    DeviceKind,
    EntryFace,
    Frequency,
    Grade,
    ManifestState,
    RuleKind,
)
from fenlei.core.models import ScopedModel
from fenlei.core.scoping import Scope


def _fk(to: str, verbose_name, *, null: bool = True, related_name: str = "+", **kwargs) -> models.ForeignKey:
    """A foreign key without its own index: the tables below are written at device speed, so they
    carry only the composite indexes their reads need."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=kwargs.pop("on_delete", models.PROTECT),
        related_name=related_name,
        db_index=False,
        **kwargs,
    )


# --- token holders -------------------------------------------------------------------------------


class Device(ScopedModel):
    """A weighing device or a hauler's system that sends records with its own token.

    The token is shown once, when it is issued; only its SHA-256 is kept. A device reports for the
    sources inside its area (a district or a street) and, when it belongs to a hauler, only with that
    hauler's vehicles. Each device has a service account (no password, no role) under which its
    submissions appear in the audit log.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=DeviceKind.choices)
    area = _fk(
        "org.Area", _("reports for"), null=False, help_text=_("The district or street it reports for.")
    )
    hauler = _fk("org.Hauler", _("hauler"))
    vehicle = _fk("facilities.Vehicle", _("vehicle"), help_text=_("The vehicle an on-board scale sits on."))
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="device",
        editable=False,
    )
    token_prefix = models.CharField(_("token prefix"), max_length=12, editable=False, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, editable=False, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope = Scope(area="area_path", hauler="hauler_id")
    audit_exclude = frozenset({"created_at", "updated_at", "token_hash", "last_seen_at"})

    class Meta(ScopedModel.Meta):
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["area_path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="collection_device_token"
            ),
        ]
        indexes = [
            models.Index(
                fields=["area_path"], opclasses=["varchar_pattern_ops"], name="collection_device_path"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collection:device-detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from fenlei.org.choices import AreaLevel

        errors = {}
        if self.area_id:
            if self.area.level not in (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET):
                errors["area"] = _("A device reports for a district or a street.")
            else:
                self.area_path = self.area.path
        if self.vehicle_id:
            if self.hauler_id is None:
                self.hauler_id = self.vehicle.hauler_id
            elif self.vehicle.hauler_id != self.hauler_id:
                errors["vehicle"] = _("The vehicle {plate} belongs to another hauler.").format(
                    plate=self.vehicle
                )
        if errors:
            raise ValidationError(errors)

    @property
    def origin(self) -> str:
        """The namespace of this device's client record ids."""
        return f"device:{self.pk}"


class Submission(ScopedModel):
    """One batch of records as it arrived (a device's request, an import, a form): the unit of audit
    for bulk entry. Each record names its submission."""

    face = models.CharField(_("entry face"), max_length=10, choices=EntryFace.choices)
    device = _fk("collection.Device", _("device"))
    user = _fk(settings.AUTH_USER_MODEL, _("user"), on_delete=models.SET_NULL)
    received = models.PositiveIntegerField(_("records received"), default=0)
    accepted = models.PositiveIntegerField(_("records kept"), default=0)
    duplicates = models.PositiveIntegerField(_("repeated records"), default=0)
    rejected = models.PositiveIntegerField(_("records refused"), default=0)

    class Meta(ScopedModel.Meta):
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["area_path"], opclasses=["varchar_pattern_ops"], name="collection_submission_path"
            ),
            models.Index(fields=["device", "-created_at"], name="collection_submission_device"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_face_display()} · {self.accepted}"


# --- trips ---------------------------------------------------------------------------------------


class Trip(ScopedModel):
    """A vehicle's run: its pick-ups (records, in order) and its unloading at a destination.

    `pickups_kg`, `pickups` and `streams` are kept current by the writes of its records;
    `weighbridge_kg` is what the destination weighed.
    """

    vehicle = _fk("facilities.Vehicle", _("vehicle"), null=False)
    hauler = _fk("org.Hauler", _("hauler"), null=False)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    transfer = _fk("facilities.IntermediateFacility", _("transfer station"))
    plant = _fk("facilities.TerminalFacility", _("treatment plant"))
    unloaded_at = models.DateTimeField(_("unloaded at"), null=True, blank=True)
    weighbridge_kg = models.DecimalField(
        _("weighbridge (kg)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    pickups_kg = models.DecimalField(
        _("sum of pick-ups (kg)"), max_digits=12, decimal_places=2, default=0, editable=False
    )
    pickups = models.PositiveIntegerField(_("pick-ups"), default=0, editable=False)
    #: The streams its pick-ups carried, comma-separated and sorted (kept on write).
    streams = models.CharField(_("streams carried"), max_length=100, blank=True, editable=False)
    origin = models.CharField(_("origin"), max_length=24, blank=True, editable=False)
    #: NULL when the trip has none (NULLs never collide in the unique index, which every lookup uses).
    client_id = models.CharField(_("client trip id"), max_length=64, null=True, blank=True)  # noqa: DJ001

    scope = Scope(area="area_path", hauler="hauler_id")

    class Meta(ScopedModel.Meta):
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "client_id"], name="collection_trip_client"),
        ]
        indexes = [
            models.Index(fields=["area_path", "day"], name="collection_trip_path_day"),
            models.Index(fields=["vehicle", "day"], name="collection_trip_vehicle_day"),
            models.Index(fields=["hauler", "day"], name="collection_trip_hauler_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} · {self.client_id or self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("collection:trip-detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        errors = {}
        if self.weighbridge_kg is not None:
            if self.weighbridge_kg <= 0:
                errors["weighbridge_kg"] = _("The weighbridge figure must be more than 0 kg.")
            elif self.weighbridge_kg > settings.FENLEI_COLLECTION_MAX_KG:
                errors["weighbridge_kg"] = _("{value} kg is more than one load can weigh ({max} kg).").format(
                    value=self.weighbridge_kg, max=settings.FENLEI_COLLECTION_MAX_KG
                )
        if self.unloaded_at is not None:
            if self.unloaded_at > timezone.now() + datetime.timedelta(minutes=5):
                errors["unloaded_at"] = _("The unloading cannot be in the future.")
            elif self.started_at is not None and self.unloaded_at < self.started_at:
                errors["unloaded_at"] = _("The unloading cannot come before the trip started.")
        if errors:
            raise ValidationError(errors)

    @property
    def destination(self):
        return self.plant if self.plant_id else self.transfer

    @property
    def difference_kg(self):
        """Weighbridge minus the sum of pick-ups (None until it is weighed)."""
        if self.weighbridge_kg is None:
            return None
        return self.weighbridge_kg - self.pickups_kg

    def difference(self):
        """The weighbridge against the pick-ups, with whether it lies beyond
        FENLEI_WEIGHBRIDGE_TOLERANCE_PCT (None until it is weighed)."""
        from fenlei.collection.weights import difference

        return difference(self.pickups_kg, self.weighbridge_kg, settings.FENLEI_WEIGHBRIDGE_TOLERANCE_PCT)


# --- records -------------------------------------------------------------------------------------


class Record(ScopedModel):
    """One load from one source, in one stream, on one day."""

    occurred_at = models.DateTimeField(_("time"))
    #: The local day of `occurred_at`: what every total is kept by.
    day = models.DateField(_("day"), editable=False)
    site = _fk("org.Site", _("site"))
    area = _fk(
        "org.Area",
        _("community or street"),
        null=False,
        help_text=_("The site's community, or the community or street of an area-level point."),
    )
    stream = models.CharField(_("stream"), max_length=20)
    category = _fk("taxonomy.Category", _("sub-category"))
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=9, decimal_places=2)
    bins = models.PositiveSmallIntegerField(_("bins"), null=True, blank=True)
    bin_volume_l = models.PositiveSmallIntegerField(_("bin volume (L)"), null=True, blank=True)
    estimated = models.BooleanField(
        _("estimated from bins"), default=False, help_text=_("The weight was converted from bins × volume.")
    )
    vehicle = _fk("facilities.Vehicle", _("vehicle"))
    hauler = _fk("org.Hauler", _("hauler"))
    trip = _fk("collection.Trip", _("trip"), related_name="records")
    seq = models.PositiveSmallIntegerField(_("order on the trip"), null=True, blank=True)
    transfer = _fk("facilities.IntermediateFacility", _("transfer station"))
    plant = _fk("facilities.TerminalFacility", _("treatment plant"))
    grade = models.CharField(_("sorting grade"), max_length=8, choices=Grade.choices, blank=True)
    face = models.CharField(_("entry face"), max_length=10, choices=EntryFace.choices)
    submission = _fk("collection.Submission", _("submission"), on_delete=models.SET_NULL)
    origin = models.CharField(_("origin"), max_length=24, blank=True, editable=False)
    #: NULL when the record has none (NULLs never collide in the unique index, which every lookup uses).
    client_id = models.CharField(_("client record id"), max_length=64, null=True, blank=True)  # noqa: DJ001
    #: A short hash of the content: a retry with the same client id and another digest is refused.
    digest = models.CharField(_("digest"), max_length=16, blank=True, editable=False)
    #: Entered more than FENLEI_COLLECTION_LATE_DAYS after its day (timeliness counts it).
    late = models.BooleanField(_("entered late"), default=False, editable=False)
    follow_up = models.BooleanField(_("marked for follow-up"), default=False)
    follow_up_note = models.CharField(_("follow-up note"), max_length=200, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)

    scope = Scope(area="area_path", site="site_id", hauler="hauler_id")
    #: A site's records follow it to another community (`fenlei.org.services.site_update`).
    area_follows_site = True
    audit_exclude = frozenset({"created_at", "updated_at", "digest", "origin", "submission"})
    #: The fields whose change moves totals (a correction subtracts the old and adds the new).
    rollup_fields = (
        "day",
        "site_id",
        "area_id",
        "area_path",
        "stream",
        "weight_kg",
        "hauler_id",
        "grade",
        "late",
    )

    class Meta:
        verbose_name = _("collection record")
        verbose_name_plural = _("collection records")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "client_id"], name="collection_record_client"),
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="collection_record_weight_positive"),
        ]
        indexes = [
            models.Index(fields=["area_path", "day"], name="collection_record_path_day"),
            models.Index(fields=["site", "day"], name="collection_record_site_day"),
            models.Index(fields=["hauler", "day"], name="collection_record_hauler_day"),
            # most records name no vehicle and no trip: those stay out of these two indexes
            models.Index(
                fields=["vehicle", "day"],
                name="collection_record_vehicle_day",
                condition=Q(vehicle__isnull=False),
            ),
            models.Index(
                fields=["trip", "seq"], name="collection_record_trip", condition=Q(trip__isnull=False)
            ),
            # the few records marked for follow-up, found without reading the others
            models.Index(
                fields=["area_path", "day"], name="collection_record_follow_up", condition=Q(follow_up=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} · {self.source_name} · {self.stream_label} · {self.weight_kg} kg"

    def get_absolute_url(self) -> str:
        return reverse("collection:record-detail", args=[self.pk])

    @property
    def source_name(self) -> str:
        if self.site_id:
            return str(self.site)
        return str(self.area) if self.area_id else ""

    @property
    def stream_label(self) -> str:
        from fenlei.collection.streams import stream_label

        return stream_label(self.stream)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


# --- the kitchen-waste chain ---------------------------------------------------------------------


class Manifest(ScopedModel):
    """A kitchen-waste transfer manifest (餐厨垃圾转移联单): restaurant → hauler → plant.

    Issued when the hauler picks up at the restaurant (with the pick-up's record), received when the
    plant weighs it in.
    """

    number = models.CharField(_("manifest number"), max_length=40, unique=True)
    site = _fk("org.Site", _("restaurant"), null=False)
    hauler = _fk("org.Hauler", _("hauler"), null=False)
    vehicle = _fk("facilities.Vehicle", _("vehicle"))
    plant = _fk("facilities.TerminalFacility", _("treatment plant"))
    record = _fk("collection.Record", _("pick-up record"), on_delete=models.SET_NULL)
    day = models.DateField(_("day"))
    weight_kg = models.DecimalField(_("weight at pick-up (kg)"), max_digits=9, decimal_places=2)
    received_kg = models.DecimalField(
        _("weight received (kg)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ManifestState.choices, default=ManifestState.ISSUED
    )

    scope = Scope(area="area_path", site="site_id", hauler="hauler_id")

    class Meta(ScopedModel.Meta):
        verbose_name = _("transfer manifest")
        verbose_name_plural = _("transfer manifests")
        ordering = ["-day", "-pk"]
        indexes = [
            models.Index(fields=["area_path", "day"], name="collection_manifest_path_day"),
            models.Index(fields=["site", "day"], name="collection_manifest_site_day"),
            models.Index(fields=["hauler", "day"], name="collection_manifest_hauler_day"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("collection:manifest-detail", args=[self.pk])


# --- totals kept on write ------------------------------------------------------------------------


class AreaDay(models.Model):
    """The total of one stream in one area's subtree (every level) on one day."""

    area = _fk("org.Area", _("area"), null=False, on_delete=models.CASCADE)
    day = models.DateField(_("day"))
    stream = models.CharField(_("stream"), max_length=20)
    grams = models.BigIntegerField(_("grams"), default=0)
    records = models.IntegerField(_("records"), default=0)

    class Meta:
        verbose_name = _("daily total of an area")
        verbose_name_plural = _("daily totals of areas")
        constraints = [
            models.UniqueConstraint(fields=["area", "day", "stream"], name="collection_areaday_key"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day} {self.stream}: {self.grams / 1000:.2f} kg"


class AreaMonth(models.Model):
    """The total of one stream in one area's subtree in one month (`month` is its first day)."""

    area = _fk("org.Area", _("area"), null=False, on_delete=models.CASCADE)
    month = models.DateField(_("month"))
    stream = models.CharField(_("stream"), max_length=20)
    grams = models.BigIntegerField(_("grams"), default=0)
    records = models.IntegerField(_("records"), default=0)

    class Meta:
        verbose_name = _("monthly total of an area")
        verbose_name_plural = _("monthly totals of areas")
        constraints = [
            models.UniqueConstraint(fields=["area", "month", "stream"], name="collection_areamonth_key"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%Y-%m} {self.stream}: {self.grams / 1000:.2f} kg"


class SiteDay(models.Model):
    """The total of one stream at one site on one day, with what data quality and the alarms read:
    the hauler's poor grades and the records that came in late."""

    site = _fk("org.Site", _("site"), null=False, on_delete=models.CASCADE)
    area_path = models.CharField(_("area path"), max_length=255)
    day = models.DateField(_("day"))
    stream = models.CharField(_("stream"), max_length=20)
    grams = models.BigIntegerField(_("grams"), default=0)
    records = models.IntegerField(_("records"), default=0)
    poor = models.IntegerField(_("poor grades"), default=0)
    graded = models.IntegerField(_("graded records"), default=0)
    late = models.IntegerField(_("late records"), default=0)

    scope = Scope(area="area_path", site="site_id")

    class Meta:
        verbose_name = _("daily total of a site")
        verbose_name_plural = _("daily totals of sites")
        constraints = [
            models.UniqueConstraint(fields=["site", "day", "stream"], name="collection_siteday_key"),
        ]
        indexes = [models.Index(fields=["area_path", "day"], name="collection_siteday_path_day")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day} {self.stream}: {self.grams / 1000:.2f} kg"


class HaulerDay(models.Model):
    """The total of one stream collected by one hauler on one day."""

    hauler = _fk("org.Hauler", _("hauler"), null=False, on_delete=models.CASCADE)
    day = models.DateField(_("day"))
    stream = models.CharField(_("stream"), max_length=20)
    grams = models.BigIntegerField(_("grams"), default=0)
    records = models.IntegerField(_("records"), default=0)

    scope = Scope(hauler="hauler_id")

    class Meta:
        verbose_name = _("daily total of a hauler")
        verbose_name_plural = _("daily totals of hauliers")
        constraints = [
            models.UniqueConstraint(fields=["hauler", "day", "stream"], name="collection_haulerday_key"),
        ]

    def __str__(self) -> str:
        return f"{self.hauler_id} {self.day} {self.stream}: {self.grams / 1000:.2f} kg"


# --- measures' settings, data quality and alarms -------------------------------------------------


class Baseline(ScopedModel):
    """The daily tonnage an area's reduction rate (减量率) is measured against."""

    area = _fk("org.Area", _("area"), null=False)
    stream = models.CharField(
        _("stream"), max_length=20, blank=True, help_text=_("Empty: all streams together.")
    )
    kg_per_day = models.DecimalField(_("kilograms per day"), max_digits=12, decimal_places=2)
    label = models.CharField(_("baseline"), max_length=50, help_text=_("For example: 2019 average."))

    class Meta(ScopedModel.Meta):
        verbose_name = _("reduction baseline")
        verbose_name_plural = _("reduction baselines")
        ordering = ["area_path", "stream"]
        constraints = [
            models.UniqueConstraint(fields=["area", "stream"], name="collection_baseline_key"),
        ]

    def __str__(self) -> str:
        return f"{self.area} · {self.label}"


class ExpectedReport(ScopedModel):
    """Which sources must report which stream how often (the denominator of completeness).

    It applies to the sites of `site_kind` (every kind when empty) in the subtree of `area`.
    """

    area = _fk("org.Area", _("applies in"), null=False)
    site_kind = _fk("org.SiteKind", _("site kind"))
    stream = models.CharField(_("stream"), max_length=20)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    active = models.BooleanField(_("in force"), default=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("expected report")
        verbose_name_plural = _("expected reports")
        ordering = ["area_path", "stream"]

    def __str__(self) -> str:
        return f"{self.site_kind or '—'} · {self.stream} · {self.get_frequency_display()}"


class ValidationRule(ScopedModel):
    """A configurable bound on a unit's figures over a period (e.g. wet share between 10% and 60%)."""

    area = _fk("org.Area", _("applies in"), null=False)
    kind = models.CharField(_("rule"), max_length=12, choices=RuleKind.choices)
    stream = models.CharField(_("stream"), max_length=20, blank=True)
    minimum = models.DecimalField(_("minimum"), max_digits=12, decimal_places=3, null=True, blank=True)
    maximum = models.DecimalField(_("maximum"), max_digits=12, decimal_places=3, null=True, blank=True)
    active = models.BooleanField(_("in force"), default=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["area_path", "kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Alarm(ScopedModel):
    """A finding with its evidence: a mixed-collection alarm or a data-quality finding.

    It is routed to the street responsible (its `area_path` is the source's) and listed for the
    office; `key` makes detection idempotent (one alarm per kind, subject and period).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=AlarmKind.choices)
    state = models.CharField(_("state"), max_length=12, choices=AlarmState.choices, default=AlarmState.OPEN)
    key = models.CharField(_("key"), max_length=120, unique=True, editable=False)
    area = _fk("org.Area", _("area"), null=False)
    site = _fk("org.Site", _("site"))
    hauler = _fk("org.Hauler", _("hauler"))
    vehicle = _fk("facilities.Vehicle", _("vehicle"))
    trip = _fk("collection.Trip", _("trip"), on_delete=models.CASCADE)
    record = _fk("collection.Record", _("record"), on_delete=models.SET_NULL)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    summary = models.CharField(_("summary"), max_length=300)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = Scope(area="area_path", site="site_id", hauler="hauler_id")
    area_follows_site = True

    class Meta(ScopedModel.Meta):
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-last_day", "-pk"]
        indexes = [
            models.Index(fields=["area_path", "state", "last_day"], name="collection_alarm_path"),
            models.Index(fields=["kind", "state"], name="collection_alarm_kind"),
        ]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("collection:alarm-detail", args=[self.pk])
