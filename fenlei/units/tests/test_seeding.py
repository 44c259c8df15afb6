"""The demo seeder gives every public institution and restaurant site its record, valid and audited."""

import pytest

from fenlei.core.audit import using_face
from fenlei.core.models import AuditEntry, Face
from fenlei.org.models import Site
from fenlei.org.seeding import seed_world
from fenlei.units.models import InstitutionRecord, RestaurantRecord


@pytest.mark.django_db
def test_seeded_unit_records():
    with using_face(Face.CLI):
        seed_world(scale="tiny")
    for model, flag in ((InstitutionRecord, "public_institution"), (RestaurantRecord, "restaurant")):
        sites = set(Site.objects.filter(**{f"kind__{flag}": True}).values_list("pk", flat=True))
        assert sites, flag
        assert set(model.objects.values_list("site_id", flat=True)) == sites
        for record in model.objects.select_related("site__kind")[:20]:
            record.full_clean()
            assert record.area_path == record.site.area_path
        label = model._meta.model_name
        assert (
            AuditEntry.objects.filter(content_type__model=label, face=Face.CLI).count()
            == model.objects.count()
        )
    # most restaurants have a haulier of their own district and a contract; most signed the commitment
    restaurants = list(RestaurantRecord.objects.select_related("hauler__district"))
    with_hauler = [r for r in restaurants if r.hauler_id]
    assert len(with_hauler) >= len(restaurants) // 2
    assert all(r.area_path.startswith(r.hauler.district.path) for r in with_hauler)
    assert sum(r.commitment_signed for r in restaurants) >= len(restaurants) // 2
