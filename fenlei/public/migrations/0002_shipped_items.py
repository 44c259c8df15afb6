"""The item dictionary fenlei ships (fenlei/public/data/items.tsv, built by
tools/build_item_dictionary.py): in the database as soon as `fenlei migrate` has run."""

import csv
import re
import unicodedata
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "items.tsv"
_SPACE = re.compile(r"[\s·・\-_'’]+")


def _normal(text):
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "").lower()).strip()


def forward(apps, schema_editor):
    from pypinyin import Style, lazy_pinyin

    Item = apps.get_model("public", "Item")
    have = set(Item.objects.values_list("name", flat=True))
    rows = []
    with open(DATA, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            name = _normal(row["name"])
            if not name or name in have:
                continue
            have.add(name)
            aliases = sorted({_normal(a) for a in row["aliases"].split("|") if _normal(a) and _normal(a) != name})
            rows.append(
                Item(
                    name=name,
                    category=row["category"],
                    aliases=aliases,
                    pinyin=_normal("".join(lazy_pinyin(name))),
                    initials=_normal("".join(p[:1] for p in lazy_pinyin(name, style=Style.FIRST_LETTER))),
                )
            )
    Item.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("public", "0001_dictionary")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
