"""Trigram indexes for the search of the biggest people ledgers, on PostgreSQL (see
`fenlei.core.trigram` and facilities 0004)."""

from django.db import migrations

from fenlei.core.trigram import create_trigram_indexes, drop_trigram_indexes

INDEXES = [
    ("people_volunteer", "name", "people_volunteer_name_trgm"),
    ("people_supervisor", "name", "people_supervisor_name_trgm"),
    ("people_partymemberlink", "name", "people_partylink_name_trgm"),
]


class Migration(migrations.Migration):
    dependencies = [("people", "0002_list_indexes")]

    operations = [
        migrations.RunPython(create_trigram_indexes(INDEXES), drop_trigram_indexes(INDEXES)),
    ]
