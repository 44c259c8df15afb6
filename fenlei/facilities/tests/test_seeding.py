"""The demo seeder equips the residential sites with drop-off points and containers, audited."""

import pytest

from fenlei.core.audit import using_face
from fenlei.core.models import AuditEntry, Face
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.models import Site
from fenlei.org.seeding import seed_world


@pytest.mark.django_db
def test_seeded_facilities():
    with using_face(Face.CLI):
        seed_world(scale="tiny")
    residential = Site.objects.filter(households__gt=0)
    assert residential.exists()
    assert set(DropOffPoint.objects.values_list("site_id", flat=True)) == set(
        residential.values_list("pk", flat=True)
    )
    assert Container.objects.exists()
    for model in ("dropoffpoint", "container"):
        assert AuditEntry.objects.filter(content_type__model=model, face=Face.CLI).count() == (
            DropOffPoint.objects.count() if model == "dropoffpoint" else Container.objects.count()
        )
    point = DropOffPoint.objects.select_related("site").first()
    point.full_clean()
    assert point.area_path == point.site.area_path
