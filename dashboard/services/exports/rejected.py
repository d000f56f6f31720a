"""The rejected rows of an import as a table to download: row number, reasons, then the row as
it was read, so the officer can fix the rows and import only them again."""

from __future__ import annotations

from dashboard.i18n import translate
from dashboard.services.exports.cells import ExportTable
from dashboard.services.imports import ImportResult


def rejected_table(result: ImportResult, lang: str = "ja") -> ExportTable:
    reasons: dict[int, list[str]] = {}
    for p in result.errors:
        reasons.setdefault(p.row, []).append(translate(p.key, lang, **p.params))
    header = [translate("data.col.row", lang), translate("data.col.reason", lang), *result.header]
    rows = [[n, " / ".join(reasons.get(n, [])), *cells] for n, cells in result.rejected]
    return ExportTable("rejected_rows", header, rows)
