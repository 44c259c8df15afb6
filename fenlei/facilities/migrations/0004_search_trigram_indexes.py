"""Trigram indexes for the drop-off points' search, on PostgreSQL where pg_trgm may be created.

The search matches words anywhere in a name (`LIKE '%…%'`, see `fenlei.org.filtersets.contains_q`):
no B-tree answers that, a trigram GIN index does for words of three characters or more. Where the
extension cannot be created (a database user without the right to), nothing is created and the
search reads the table as before. SQLite has no such index: its search reads the rows in scope.
"""

from django.db import migrations

from fenlei.core.trigram import create_trigram_indexes, drop_trigram_indexes

INDEXES = [
    ("facilities_dropoffpoint", "name", "facilities_dropoff_name_trgm"),
    ("facilities_dropoffpoint", "address", "facilities_dropoff_addr_trgm"),
    ("facilities_dropoffpoint", "supervisor", "facilities_dropoff_sup_trgm"),
]


class Migration(migrations.Migration):
    dependencies = [("facilities", "0003_list_indexes")]

    operations = [
        migrations.RunPython(create_trigram_indexes(INDEXES), drop_trigram_indexes(INDEXES)),
    ]
