from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fenlei.org.api.placed import BriefSiteSerializer, placed_serializer
from fenlei.org.api.serializers import BriefAuthoritySerializer, BriefHaulerSerializer, BriefRelatedField
from fenlei.org.models import Hauler, Site
from fenlei.units.choices import CommitmentState, ContractState
from fenlei.units.models import InstitutionRecord, RestaurantRecord


def _site():
    return BriefRelatedField(
        BriefSiteSerializer,
        scoped=True,
        queryset=Site.objects.all(),
        help_text=_("The unit's site (its id); the record is placed in the site's community."),
    )


InstitutionSerializer = placed_serializer(
    InstitutionRecord,
    [
        "authority",
        "sorting_status",
        "status_since",
        "staff",
        "sorting_lead",
        "sorting_lead_post",
        "sorting_lead_phone",
        "notes",
    ],
    view_name="units-api:institution-detail",
    extra={
        "site": _site(),
        "authority": BriefAuthoritySerializer(
            read_only=True, allow_null=True, help_text=_("The site's industry authority (kept on the site).")
        ),
    },
)

RestaurantSerializer = placed_serializer(
    RestaurantRecord,
    [
        "seats",
        "size",
        "hauler",
        "contract_number",
        "contract_start",
        "contract_end",
        "contract_state",
        "commitment_signed",
        "commitment_signed_on",
        "commitment_expires",
        "commitment_state",
        "notes",
    ],
    view_name="units-api:restaurant-detail",
    extra={
        "site": _site(),
        "hauler": BriefRelatedField(
            BriefHaulerSerializer,
            scoped=True,
            queryset=Hauler.objects.all(),
            required=False,
            allow_null=True,
            help_text=_("The kitchen-waste haulier (its id when writing)."),
        ),
        "contract_state": serializers.ChoiceField(
            choices=ContractState.choices, read_only=True, help_text=_("Where the contract stands today.")
        ),
        "commitment_state": serializers.ChoiceField(
            choices=CommitmentState.choices, read_only=True, help_text=_("Where the commitment stands today.")
        ),
    },
)
