"""Workbooks in tests: exports written to memory, so no test leaves a file behind."""

from __future__ import annotations

import io


def exported(ledger, queryset) -> io.BytesIO:
    """The workbook `ledger` exports for `queryset`, in memory and ready to read."""
    book = io.BytesIO()
    ledger.write(book, queryset)
    book.seek(0)
    return book
