"""The default list of site kinds; the district office can add and retire kinds."""

from django.db import migrations

KINDS = [
    # code, name, English, residential, public institution, restaurant
    ("managed-estate", "物业小区", "Managed residential estate", True, False, False),
    ("open-estate", "开放小区", "Open residential compound (no property management)", True, False, False),
    ("village-group", "村民小组", "Village group", True, False, False),
    ("office-building", "写字楼", "Office building", False, False, False),
    ("government", "机关大楼", "Government office building", False, True, False),
    ("public-institution", "公共机构", "Public institution", False, True, False),
    ("school", "学校", "School", False, True, False),
    ("hospital", "医院", "Hospital", False, True, False),
    ("restaurant", "餐饮单位", "Restaurant or canteen", False, False, True),
    ("market", "农贸市场", "Farmers' market", False, False, False),
    ("street-shops", "沿街商铺", "Street-front shops", False, False, False),
    ("resident-unit", "驻区单位", "Enterprise or unit based in the district", False, False, False),
]


def forward(apps, schema_editor):
    SiteKind = apps.get_model("org", "SiteKind")
    for pos, (code, name, en, residential, public, restaurant) in enumerate(KINDS, start=1):
        SiteKind.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": en, "residential": residential, "public_institution": public,
            "restaurant": restaurant, "position": pos * 10})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
