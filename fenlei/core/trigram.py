"""Trigram (pg_trgm) indexes for "contains" searches, created by the migrations of the ledgers.

PostgreSQL only, and only where the extension exists or may be created: pg_trgm is a trusted
extension (PostgreSQL 13+), so a database owner may create it; a user who may not gets no index and
a search that reads the table, as before. The indexes are not declared on the models (SQLite has no
such index), so each migration creates and drops its own.
"""

from __future__ import annotations

from django.db import DatabaseError, transaction


def _trigram_available(connection) -> bool:
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return False
    return True


def create_trigram_indexes(indexes: list[tuple[str, str, str]]):
    """A RunPython function creating a GIN trigram index for each (table, column, index name)."""

    def forwards(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or not _trigram_available(connection):
            return
        quote = schema_editor.quote_name
        for table, column, name in indexes:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} USING gin ({quote(column)} gin_trgm_ops)"
            )

    return forwards


def drop_trigram_indexes(indexes: list[tuple[str, str, str]]):
    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for _table, _column, name in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return backwards
