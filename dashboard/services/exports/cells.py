"""Writing tables as files Excel and GIS open: CSV (UTF-8 with BOM, or CP932), .xlsx, GeoJSON.

Every cell goes through ``safe_cell``: a text a spreadsheet would run as a formula (it starts with
=, +, -, @, a tab or a carriage return) gets a leading apostrophe, so an exported shelter name
such as ``=HYPERLINK(...)`` is shown, never executed. The importer removes that apostrophe again.

THE cell guard of the app: every file a service writes for a person (CSV, xlsx, GeoJSON; a PDF
shows text and runs nothing) is written by ``csv_bytes``, ``xlsx_bytes`` and ``geojson_bytes``
here, or puts each cell through ``safe_cell`` itself (the 即報 workbook's layout). A new export
is a public name of its service package ending in ``_csv``, ``_xlsx``, ``_geojson`` or
``_bytes`` (or starting with ``export_``): tests/dashboard/services/test_export_guard.py finds
them all in the packages' ``__all__`` and feeds a formula in every text field.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from dashboard.services.imports import FORMULA_STARTS

# Excel's limit on a sheet name.
SHEET_NAME_MAX = 31


def safe_cell(value: Any) -> Any:
    """The value to write into a CSV or spreadsheet cell: texts that would run as a formula get a
    leading apostrophe; numbers, None and other texts are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class ExportTable:
    """A header and rows; ``points`` (lat, lon per row, or None) make it a GeoJSON too."""

    name: str
    header: Sequence[str]
    rows: list[Sequence[Any]]
    points: list[tuple[float, float] | None] | None = None
    # Extra members of a GeoJSON FeatureCollection (e.g. the layout it follows).
    meta: dict[str, Any] = field(default_factory=dict)


def csv_bytes(table: ExportTable, *, encoding: str = "utf-8-sig") -> bytes:
    """CSV with CRLF line ends; CP932 replaces what it cannot encode with "?"."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in table.header])
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return buffer.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(table: ExportTable) -> bytes:
    """One sheet; every text stored as text (never as a formula), numbers as numbers."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[:SHEET_NAME_MAX] or "data")
    for row in (table.header, *table.rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def geojson_bytes(table: ExportTable) -> bytes:
    """Points with the columns as properties; rows without a point are written without
    geometry."""
    points = table.points or [None] * len(table.rows)
    features = [
        {
            "type": "Feature",
            "geometry": None if p is None else {"type": "Point", "coordinates": [p[1], p[0]]},
            "properties": {h: safe_cell(v) for h, v in zip(table.header, row, strict=True)},
        }
        for row, p in zip(table.rows, points, strict=True)
    ]
    collection = {"type": "FeatureCollection", **table.meta, "features": features}
    return json.dumps(collection, ensure_ascii=False, default=str).encode("utf-8")


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str
    write: Callable[[ExportTable], bytes]


# File types an export can be written as (the page offers them in this order).
FILE_TYPES: dict[str, FileType] = {
    "csv": FileType("text/csv", "csv", csv_bytes),
    "csv_cp932": FileType("text/csv", "csv", lambda t: csv_bytes(t, encoding="cp932")),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", xlsx_bytes
    ),
    "geojson": FileType("application/geo+json", "geojson", geojson_bytes),
}


def render(table: ExportTable, file_type: str) -> tuple[bytes, str, str]:
    """(content, MIME type, file name) of the table as ``file_type`` (a key of ``FILE_TYPES``)."""
    kind = FILE_TYPES[file_type]
    return kind.write(table), kind.mime, f"{table.name}.{kind.extension}"
