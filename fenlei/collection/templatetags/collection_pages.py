"""Template helpers of the collection pages: the tabs between the overview, records, trips, alarms,
kitchen waste and devices,
and the little marks a record or an alarm carries in a list."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere

register = template.Library()


@register.inclusion_tag("collection/_tabs.html", takes_context=True)
def collection_tabs(context, active: str):
    """Links to the collection pages the user may read (no query: the roles are cached)."""
    from fenlei.collection.models import Alarm, Device, Manifest, Record, Trip

    user = context["request"].user
    tabs = []
    for key, label, model, url in (
        ("overview", pgettext("collection overview", "Overview"), Record, reverse("collection:index")),
        ("records", pgettext("collection records", "Records"), Record, reverse("collection:record-list")),
        ("trips", pgettext("collection trips", "Trips"), Trip, reverse("collection:trip-list")),
        ("alarms", _("Alarms"), Alarm, reverse("collection:alarm-list") + "?state=open"),
        ("kitchen", pgettext("collection kitchen", "Kitchen waste"), Manifest, reverse("collection:kitchen")),
        ("devices", _("Devices"), Device, reverse("collection:device-list")),
    ):
        if can_anywhere(user, Action.VIEW, model):
            tabs.append({"key": key, "label": label, "url": url, "active": key == active})
    return {"tabs": tabs}


@register.filter
def kg(value, decimals=2):
    """A weight in kg with thousands separators and `decimals` decimals (two unless told; — when there
    is none). The one kg format of the collection pages: the measures' library registers it too."""
    if value is None or value == "":
        return "—"
    return f"{value:,.{int(decimals)}f}"
