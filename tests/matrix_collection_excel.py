"""Permission-matrix cases of the collection records in Excel (template, import, export).

Importing records takes the import action on records: the district office, the street and community
admins. Exporting takes the export action somewhere records reach: those, the district leader and
the hauler (its own records); an industry authority reads and exports, but records are not placed by
authority, so none reaches it. Uploading a sheet makes an import job and leads to its page, whatever
the rows say (a row outside one's scope is a problem listed there, see fenlei/collection/tests).
"""

from __future__ import annotations

from tests.matrix import Case, row

IMPORTERS = row(403, alice=200, sam=200, cora=200, olly=200)


def _workbook(w):
    """A one-row records sheet: a wet load of 甲一花园 (甲街道 / 甲一社区)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fenlei.collection.importexport import RecordLedger
    from fenlei.core.testing.excel import sheet

    data = sheet(
        RecordLedger(),
        [
            {
                "日期": "2026-06-01",
                "街道": "甲街道",
                "社区": "甲一社区",
                "来源单位": "甲一花园",
                "类别": "湿垃圾",
                "重量(kg)": 80,
            }
        ],
    )
    return {"file": SimpleUploadedFile("records.xlsx", data.getvalue())}


CASES = [
    Case("collection:record-template", IMPORTERS),
    Case("collection:record-import", IMPORTERS),
    Case(
        "collection:record-import",
        row(403, alice=302, sam=302, cora=302, olly=302),
        "one load of 甲一花园",
        method="post",
        data=_workbook,
    ),
    Case("collection:record-export", row(403, alice=200, leo=200, sam=200, cora=200, hal=200, olly=200)),
]
