"""Workbooks in tests: exports written to memory, so no test leaves a file behind."""

from __future__ import annotations

import io


def exported(ledger, queryset) -> io.BytesIO:
    """The workbook `ledger` exports for `queryset`, in memory and ready to read."""
    book = io.BytesIO()
    ledger.write(book, queryset)
    book.seek(0)
    return book


def sheet(ledger, rows: list[dict], *, name: str = "sheet.xlsx") -> io.BytesIO:
    """A workbook with `ledger`'s header row and one row per dict of {header: value} (missing: empty),
    in memory, named like an upload."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    headers = ledger.headers()
    ws.append(headers)
    for values in rows:
        ws.append([values.get(h) for h in headers])
    book = io.BytesIO()
    wb.save(book)
    book.seek(0)
    book.name = name
    return book
