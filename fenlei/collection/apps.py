from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "fenlei.collection"
    verbose_name = _("Collection and weighing")

    def ready(self) -> None:
        from fenlei.collection import receivers  # noqa: F401  (rollups follow area moves)
