from django.db import models
from django.utils.translation import pgettext_lazy


class SortingStatus(models.TextChoices):
    """How far a public institution has come with sorting (分类工作开展情况)."""

    NOT_STARTED = "not_started", pgettext_lazy("sorting status", "not started")
    STARTED = "started", pgettext_lazy("sorting status", "started")
    COMPLIANT = "compliant", pgettext_lazy("sorting status", "meets the standard")
    MODEL = "model", pgettext_lazy("sorting status", "model unit")


class RestaurantSize(models.TextChoices):
    """The size classes of catering businesses (by seats or dining area)."""

    MICRO = "micro", pgettext_lazy("restaurant size", "micro")
    SMALL = "small", pgettext_lazy("restaurant size", "small")
    MEDIUM = "medium", pgettext_lazy("restaurant size", "medium")
    LARGE = "large", pgettext_lazy("restaurant size", "large")
    EXTRA_LARGE = "extra_large", pgettext_lazy("restaurant size", "extra large")


class CommitmentState(models.TextChoices):
    """Where a restaurant's harmless-treatment commitment (承诺书) stands on a day."""

    VALID = "valid", pgettext_lazy("commitment", "valid")
    EXPIRING = "expiring", pgettext_lazy("commitment", "expiring soon")
    EXPIRED = "expired", pgettext_lazy("commitment", "expired")
    MISSING = "missing", pgettext_lazy("commitment", "not signed")


class ContractState(models.TextChoices):
    """Where a restaurant's kitchen-waste collection contract stands on a day."""

    VALID = "valid", pgettext_lazy("contract", "in force")
    EXPIRING = "expiring", pgettext_lazy("contract", "expiring soon")
    EXPIRED = "expired", pgettext_lazy("contract", "expired")
    MISSING = "missing", pgettext_lazy("contract", "no contract")
