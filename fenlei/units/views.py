"""The unit ledgers' pages (LedgerFaces) and an overview per street."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere
from fenlei.org.ledger_faces import Column, LedgerFaces
from fenlei.units import selectors
from fenlei.units.choices import SortingStatus
from fenlei.units.filtersets import InstitutionFilterSet, RestaurantFilterSet
from fenlei.units.forms import InstitutionForm, RestaurantForm
from fenlei.units.importexport import InstitutionLedger, RestaurantLedger
from fenlei.units.models import InstitutionRecord, RestaurantRecord


def _authority(obj):
    return obj.site.authority.name if obj.site.authority_id else "—"


INSTITUTIONS = LedgerFaces(
    namespace="units",
    name="institution",
    model=InstitutionRecord,
    filterset_class=InstitutionFilterSet,
    form_class=InstitutionForm,
    excel_class=InstitutionLedger,
    list_columns=[
        "site__name",
        "area__parent__name",
        "area__name",
        "site__kind",
        Column(_("Industry authority"), _authority),
        "sorting_status",
        "sorting_lead",
    ],
    detail_fields=[
        "site__name",
        "area__parent__name",
        "area__name",
        "site__kind",
        Column(_("Industry authority"), _authority),
        "sorting_status",
        "status_since",
        "staff",
        "sorting_lead",
        "sorting_lead_post",
        "sorting_lead_phone",
        "notes",
    ],
    nav="units",
    select_related=("area__parent", "site__kind", "site__authority"),
)

RESTAURANTS = LedgerFaces(
    namespace="units",
    name="restaurant",
    model=RestaurantRecord,
    filterset_class=RestaurantFilterSet,
    form_class=RestaurantForm,
    excel_class=RestaurantLedger,
    list_columns=[
        "site__name",
        "area__parent__name",
        "area__name",
        "seats",
        "size",
        "hauler",
        Column(_("Contract"), lambda o: o.get_contract_state_display()),
        Column(_("Commitment"), lambda o: o.get_commitment_state_display()),
    ],
    detail_fields=[
        "site__name",
        "area__parent__name",
        "area__name",
        "seats",
        "size",
        "hauler",
        "contract_number",
        "contract_start",
        "contract_end",
        Column(_("Contract"), lambda o: o.get_contract_state_display()),
        "commitment_signed",
        "commitment_signed_on",
        "commitment_expires",
        Column(_("Commitment"), lambda o: o.get_commitment_state_display()),
        "notes",
    ],
    nav="units",
    select_related=("area__parent", "site", "hauler"),
)

LEDGERS = [INSTITUTIONS, RESTAURANTS]


class IndexView(LoginRequiredMixin, TemplateView):
    """Public institutions and restaurants per street: how many, their sorting status, and the
    restaurants whose commitment or collection contract needs attention."""

    template_name = "units/index.html"
    extra_context = {"nav_active": "units"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if can_anywhere(user, Action.VIEW, InstitutionRecord):
            rows = selectors.institution_totals(user)
            statuses = SortingStatus.choices
            for r in rows:
                r["statuses"] = [(code, label, r[f"status_{code}"]) for code, label in statuses]
            total = selectors.sum_rows(rows)
            ctx["sorting_statuses"] = statuses
            ctx["institutions"] = {
                "rows": rows,
                "total": total,
                "total_statuses": [(code, label, total.get(f"status_{code}", 0)) for code, label in statuses],
                "url": reverse(INSTITUTIONS.url_name("list")),
            }
        if can_anywhere(user, Action.VIEW, RestaurantRecord):
            rows = selectors.restaurant_totals(user)
            ctx["restaurants"] = {
                "rows": rows,
                "total": selectors.sum_rows(rows),
                "url": reverse(RESTAURANTS.url_name("list")),
            }
            ctx["warn_days"] = settings.FENLEI_EXPIRY_WARN_DAYS
        return ctx
