from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "fenlei.inspections"
    verbose_name = _("Inspection and rectification")

    def ready(self) -> None:
        from fenlei.inspections import notices  # noqa: F401  (registers the kinds of notification)
