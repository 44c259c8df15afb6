"""Totals kept current on write: the core mechanism every app's aggregates use.

A rollup table has key columns (e.g. area, day, stream), summed columns (grams, records …) and a
count column that says whether a row still stands for anything. A service collects the changes of
one transaction in a `Deltas` — adding a record adds, voiding subtracts, a correction does both —
and writes them with one statement per table:

    INSERT … ON CONFLICT (keys) DO UPDATE SET v = v + excluded.v

(SQLite ≥ 3.24 and PostgreSQL both speak it). Rows are written in key order, so concurrent
transactions take row locks in the same order and never deadlock on PostgreSQL; rows whose count
falls to zero are removed, so totals rebuilt from scratch equal totals kept on write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction


class Deltas:
    """The changes to one rollup table in one transaction."""

    def __init__(
        self,
        model: type[models.Model],
        keys: Sequence[str],
        sums: Sequence[str],
        *,
        count: str = "records",
        attrs: Sequence[str] = (),
    ) -> None:
        if count not in sums:
            raise ValueError(f"the count column {count!r} must be one of the summed columns")
        self.model = model
        self.keys = tuple(keys)
        self.sums = tuple(sums)
        self.attrs = tuple(attrs)  # columns set (not summed) from the latest change, e.g. a path
        self.count_index = self.sums.index(count)
        self._rows: dict[tuple, list] = {}
        self._attrs: dict[tuple, tuple] = {}

    def add(self, key: tuple, values: Sequence[int], *, sign: int = 1, attrs: tuple = ()) -> None:
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = [0] * len(self.sums)
        for i, v in enumerate(values):
            row[i] += sign * v
        if attrs:
            self._attrs[key] = attrs

    def merge(self, rows: dict[tuple, list[int]], attrs: dict[tuple, tuple] | None = None) -> None:
        """Add changes a caller summed by key itself (for a hot loop: one call instead of one a row)."""
        if not self._rows:
            self._rows = rows
        else:
            for key, values in rows.items():
                self.add(key, values)
        if attrs:
            self._attrs.update(attrs)

    def __len__(self) -> int:
        return len(self._rows)

    def _column(self, name: str) -> str:
        return self.model._meta.get_field(name).column

    def write(self) -> int:
        """Apply the changes (inside the caller's transaction); returns the number of keys touched."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("rollups must be written inside the transaction that changes the records")
        rows = sorted((k, v) for k, v in self._rows.items() if any(v))
        if not rows:
            return 0
        q = connection.ops.quote_name
        table = q(self.model._meta.db_table)
        keys = [q(self._column(k)) for k in self.keys]
        sums = [q(self._column(s)) for s in self.sums]
        attrs = [q(self._column(a)) for a in self.attrs]
        columns = keys + attrs + sums
        updates = [f"{c} = {table}.{c} + excluded.{c}" for c in sums] + [f"{c} = excluded.{c}" for c in attrs]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(updates)}"
        )
        params = [(*k, *self._attrs.get(k, (None,) * len(attrs))[: len(attrs)], *v) for k, v in rows]
        if attrs and any(None in p[len(keys) : len(keys) + len(attrs)] for p in params):
            raise ValueError(f"every change to {self.model.__name__} must give {self.attrs}")
        shrinking = [k for k, v in rows if v[self.count_index] < 0]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and len(params) > 1:
                # one statement for every row: the columns travel as arrays (executemany would wait
                # for a round trip per row; a long VALUES list costs more to plan than to run)
                names = [*self.keys, *self.attrs, *self.sums]
                types = [self.model._meta.get_field(n).db_type(connection) for n in names]
                arrays = ", ".join(f"%s::{t}[]" for t in types)
                head, _values, tail = sql.partition(f"VALUES ({', '.join(['%s'] * len(columns))})")
                cursor.execute(
                    f"{head}SELECT * FROM unnest({arrays}){tail}",
                    [list(col) for col in zip(*params, strict=True)],
                )
            else:
                cursor.executemany(sql, params)
            if shrinking:
                count = sums[self.count_index]
                where = " AND ".join(f"{k} = %s" for k in keys)
                cursor.executemany(f"DELETE FROM {table} WHERE {where} AND {count} <= 0", shrinking)
        self._rows.clear()
        self._attrs.clear()
        return len(rows)


def write_all(deltas: Iterable[Deltas]) -> int:
    return sum(d.write() for d in deltas)
