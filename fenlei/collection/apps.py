from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "fenlei.collection"
    verbose_name = _("Collection and weighing")

    def ready(self) -> None:
        from fenlei.collection import (
            kitchen,
            receivers,  # noqa: F401  (rollups follow area moves)
            services,
        )

        # the kitchen-waste chain issues a manifest for each pick-up at a restaurant
        if kitchen.issue_manifests not in services.AFTER_INGEST:
            services.AFTER_INGEST.append(kitchen.issue_manifests)
        # …and cancels it when that pick-up's record is voided
        if kitchen.cancel_for_void not in services.AFTER_VOID:
            services.AFTER_VOID.append(kitchen.cancel_for_void)
