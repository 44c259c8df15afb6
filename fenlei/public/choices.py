"""The categories an item may fall in, as the which-bin lookup answers them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class FeedbackState(models.TextChoices):
    """A resident's "this answer is wrong", in the office's queue."""

    OPEN = "open", _("Waiting")
    FIXED = "fixed", _("Entry fixed")
    DISMISSED = "dismissed", _("Answer kept")


class QuestionSource(models.TextChoices):
    GENERATED = "generated", _("From the dictionary")
    WRITTEN = "written", _("Written by the office")


class ReportKind(models.TextChoices):
    """What a resident reports (the kinds the public form offers)."""

    OVERFLOW = "overflow", _("Bins overflowing")
    MIXED = "mixed", _("Sorted waste collected mixed")
    CLOSED = "closed", _("Drop-off point closed in its opening hours")
    MISSING_BIN = "missing_bin", _("A bin is missing")
    OTHER = "other", _("Something else")


class ReportState(models.TextChoices):
    """Where a resident's report stands. Once it is an order, the order's own state goes on."""

    RECEIVED = "received", pgettext_lazy("resident report", "Received")
    ORDERED = "ordered", _("Rectification ordered")
    REJECTED = "rejected", _("Not taken up")
