"""Ledger writes mark the campaign units they may change, so a page judges them again before it reads.

Bulk writes (imports, the seeder, collection records) send no signals; the daily job judges every
unit anyway, and a unit's own checklist page always judges it afresh.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _models():
    from fenlei.facilities.models import Container, DropOffPoint
    from fenlei.inspections.models import Inspection
    from fenlei.org.models import Site
    from fenlei.people.models import LeadingGroup, Participation, Supervisor
    from fenlei.publicity.models import Activity

    return (LeadingGroup, Supervisor, Participation, Container, DropOffPoint, Activity, Site, Inspection)


def _mark(sender, instance, **kwargs):
    path = getattr(instance, "area_path", "")
    if not path or kwargs.get("raw"):
        return
    from fenlei.campaign.services import mark_dirty

    mark_dirty(path)


for _model in _models():
    post_save.connect(_mark, sender=_model, dispatch_uid=f"campaign-dirty-{_model._meta.label_lower}")
    post_delete.connect(_mark, sender=_model, dispatch_uid=f"campaign-dirty-del-{_model._meta.label_lower}")
