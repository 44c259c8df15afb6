from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "fenlei.campaign"
    verbose_name = _("Full-coverage campaign")

    def ready(self) -> None:
        from fenlei.campaign import receivers  # noqa: F401  (marks units to re-evaluate on ledger writes)
