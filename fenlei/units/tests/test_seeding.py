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
