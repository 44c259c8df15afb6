"""The national categories of GB/T 19095-2019, their sub-categories and the special streams."""

from django.db import migrations

MAJOR = [
    # code, name, English, colour, position
    ("recyclable", "可回收物", "Recyclable", "#1F5FAD", 10),
    ("hazardous", "有害垃圾", "Hazardous waste", "#C8102E", 20),
    ("food", "厨余垃圾", "Food waste", "#2E8B3A", 30),
    ("residual", "其他垃圾", "Residual waste", "#6E6E6E", 40),
]
SUB = [
    ("paper", "recyclable", "纸类", "Paper", 11),
    ("plastic", "recyclable", "塑料", "Plastic", 12),
    ("metal", "recyclable", "金属", "Metal", 13),
    ("glass", "recyclable", "玻璃", "Glass", 14),
    ("textile", "recyclable", "织物", "Textiles", 15),
    ("lamp", "hazardous", "灯管", "Lamps", 21),
    ("household-chemical", "hazardous", "家用化学品", "Household chemicals", 22),
    ("battery", "hazardous", "电池", "Batteries", 23),
    ("household-food", "food", "家庭厨余垃圾", "Household food waste", 31),
    ("kitchen", "food", "餐厨垃圾", "Restaurant and canteen food waste", 32),
    ("other-food", "food", "其他厨余垃圾", "Other food waste (markets)", 33),
]
SPECIAL = [
    ("bulky", "大件垃圾", "Bulky waste", "#7A5C3E", 50),
    ("renovation", "装修垃圾", "Renovation waste", "#8D8D8D", 51),
    ("garden", "园林绿化垃圾", "Garden and green waste", "#5B8C2A", 52),
    ("market", "农贸市场垃圾", "Farmers' market waste", "#3F8F6B", 53),
    ("mixed", "混合垃圾", "Mixed (unsorted) waste", "#444444", 59),
]


def forward(apps, schema_editor):
    Category = apps.get_model("taxonomy", "Category")
    majors = {}
    for code, name, en, colour, pos in MAJOR:
        majors[code], _ = Category.objects.get_or_create(
            code=code, defaults={"kind": "major", "name": name, "name_en": en, "colour": colour, "position": pos})
    for code, parent, name, en, pos in SUB:
        Category.objects.get_or_create(code=code, defaults={
            "kind": "sub", "parent": majors[parent], "name": name, "name_en": en,
            "colour": majors[parent].colour, "position": pos})
    for code, name, en, colour, pos in SPECIAL:
        Category.objects.get_or_create(
            code=code, defaults={"kind": "special", "name": name, "name_en": en, "colour": colour, "position": pos})


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
