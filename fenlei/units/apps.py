from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "fenlei.units"
    verbose_name = _("Public institutions and restaurants")
