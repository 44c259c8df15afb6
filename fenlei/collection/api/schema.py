"""Serializers that describe the bulk endpoint in the OpenAPI schema.

They document the contract only: the endpoint hands the parsed body to `services.ingest`, whose
`Checker` is the one definition of a valid record (its keys are `validation.FIELDS`; a test keeps
the two lists equal).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class IngestRecordSerializer(serializers.Serializer):
    """One weighed (or counted) load. Give its source as `site` or `site_code`, or, for an
    area-level point, as `area` or `area_code` (a community or a street); its weight as `weight_kg`,
    or as `bins` × `bin_volume_l` (converted with the stream's kilograms per litre)."""

    client_id = serializers.CharField(
        max_length=64,
        required=False,
        help_text=_(
            "Your own id of the record, unique for the device (required for devices); a retry repeats it."
        ),
    )
    occurred_at = serializers.DateTimeField(
        help_text=_("When it was collected, ISO 8601 with the offset, e.g. 2026-06-15T07:30:00+08:00.")
    )
    site = serializers.IntegerField(required=False, help_text=_("The site's number."))
    site_code = serializers.CharField(required=False, help_text=_("Or the site's code."))
    area = serializers.IntegerField(
        required=False, help_text=_("For an area-level point: the community's or street's number.")
    )
    area_code = serializers.CharField(required=False, help_text=_("Or the community's or street's code."))
    stream = serializers.CharField(
        help_text=_(
            "The stream: its code (e.g. wet, dry, recyclable, hazardous), its Chinese name, or mixed."
        )
    )
    category = serializers.CharField(required=False, help_text=_("The code of a sub-category, if known."))
    weight_kg = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        required=False,
        help_text=_("The weight in kg: more than 0 and at most one load's maximum."),
    )
    bins = serializers.IntegerField(required=False, help_text=_("Or the number of bins (1–1000) …"))
    bin_volume_l = serializers.IntegerField(required=False, help_text=_("… and one bin's volume in litres."))
    vehicle = serializers.CharField(
        required=False, help_text=_("The plate of the vehicle (for a device: one of its hauler's).")
    )
    hauler = serializers.IntegerField(required=False, help_text=_("The hauler's number."))
    trip = serializers.CharField(
        max_length=64,
        required=False,
        help_text=_("Your own id of the vehicle's run; the trip is created with its first pick-up."),
    )
    seq = serializers.IntegerField(required=False, help_text=_("The pick-up's place in the trip's order."))
    transfer = serializers.IntegerField(required=False, help_text=_("The number of the transfer station."))
    plant = serializers.IntegerField(required=False, help_text=_("The number of the treatment plant."))
    grade = serializers.CharField(
        required=False, help_text=_("The hauler's grade of the sorting: 好, 一般 or 差 (good, fair, poor).")
    )


class IngestBatchSerializer(serializers.Serializer):
    records = IngestRecordSerializer(many=True, help_text=_("At most 10,000 records."))


class RejectedSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The record's place in the request, from 0."))
    client_id = serializers.CharField(help_text=_("Its client id, as sent."))
    errors = serializers.DictField(
        child=serializers.CharField(), help_text=_("A message per field (or “record”) saying what is wrong.")
    )


class IngestResponseSerializer(serializers.Serializer):
    submission = serializers.IntegerField(help_text=_("The number under which this request was recorded."))
    received = serializers.IntegerField(help_text=_("Records in the request."))
    accepted = serializers.IntegerField(help_text=_("Records kept now."))
    duplicates = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("Indexes of records already kept with the same content (retries): not counted again."),
    )
    rejected = RejectedSerializer(many=True, help_text=_("The records refused, with their reasons."))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
