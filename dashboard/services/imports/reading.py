"""Reading a registry file: its encoding, its header and its rows, CSV or GeoJSON.

Municipal files come as UTF-8, UTF-8 with a BOM (what Excel writes) or CP932 (Shift_JIS as
Windows writes it). The encoding is found by trying them strictly in that order: CP932 bytes are
almost never valid UTF-8, so the first that decodes is the right one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import load_workbook

from dashboard.errors import ServiceError
from dashboard.storage.guards import FORBIDDEN, clean_text

# Encodings tried in order, with the label the preview shows.
ENCODINGS = (("utf-8-sig", "UTF-8 (BOM)"), ("utf-8", "UTF-8"), ("cp932", "CP932 (Shift_JIS)"))
# Property names a GeoJSON point's coordinates are written into, when the properties lack them.
GEOJSON_LAT, GEOJSON_LON = "緯度", "経度"
# An .xlsx file is a zip archive.
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Table:
    """A file's header and rows (strings, the header's length), with its 1-based row numbers as a
    spreadsheet shows them (the header is row 1 of a CSV; a GeoJSON feature is numbered from 1)."""

    kind: str  # "csv" or "geojson"
    encoding: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    numbers: list[int]


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding label; refuses bytes none of ``ENCODINGS`` can read."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), ENCODINGS[0][1]
    for codec, label in ENCODINGS[1:]:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise ServiceError("import.bad_encoding")


def read_table(data: bytes, *, filename: str = "") -> Table:
    if data.startswith(XLSX_MAGIC):
        return _checked(_xlsx(data))
    text, encoding = decode(data)
    stripped = text.lstrip()
    if filename.lower().endswith((".geojson", ".json")) or stripped.startswith("{"):
        return _checked(_geojson(stripped, encoding))
    return _checked(_csv(text, encoding))


def _checked(table: Table) -> Table:
    """The table with bidi overrides dropped; a control character (a NUL) is refused naming its
    row and column, as the storage guard would refuse it later (``dashboard.storage.guards``)."""
    for number, cells in [(1, table.header), *zip(table.numbers, table.rows, strict=True)]:
        for column, value in zip(table.header, cells, strict=False):
            if FORBIDDEN.search(value):
                raise ServiceError("import.control_chars", line=number, column=column)
    return Table(
        table.kind,
        table.encoding,
        tuple(clean_text(c) for c in table.header),
        [tuple(clean_text(c) for c in row) for row in table.rows],
        table.numbers,
    )


def _csv(text: str, encoding: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: tuple[str, ...] | None = None
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    for cells in reader:
        if header is None:
            if any(c.strip() for c in cells):
                header = tuple(c.strip() for c in cells)
            continue
        if not any(c.strip() for c in cells):
            continue
        width = len(header)
        rows.append(tuple((cells + [""] * width)[:width]))
        numbers.append(reader.line_num)
    if header is None:
        raise ServiceError("import.empty_file")
    return Table("csv", encoding, header, rows, numbers)


def _xlsx(data: bytes) -> Table:
    """The first sheet of a workbook (as an export writes it), numbers read back as text."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one message
        raise ServiceError("import.bad_xlsx") from exc
    cells = [
        ["" if v is None else _text(v) for v in row]
        for row in book.worksheets[0].iter_rows(values_only=True)
    ]
    book.close()
    cells = [row for row in cells if any(c.strip() for c in row)]
    if not cells:
        raise ServiceError("import.empty_file")
    header, width = tuple(c.strip() for c in cells[0]), len(cells[0])
    rows = [tuple((row + [""] * width)[:width]) for row in cells[1:]]
    return Table("xlsx", "xlsx", header, rows, list(range(2, len(rows) + 2)))


def _text(value: object) -> str:
    # A whole number stored as a float (1.0) reads as "1", as it was typed.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _geojson(text: str, encoding: str) -> Table:
    try:
        collection = json.loads(text)
        features = collection["features"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ServiceError("import.bad_geojson") from exc
    header: list[str] = []
    seen: set[str] = set()
    for feature in features:
        for key in [*(feature.get("properties") or {}), GEOJSON_LAT, GEOJSON_LON]:
            if key not in seen:
                seen.add(key)
                header.append(key)
    rows = [tuple(_feature_cells(f, header)) for f in features]
    return Table("geojson", encoding, tuple(header), rows, list(range(1, len(rows) + 1)))


def _feature_cells(feature: dict, header: list[str]) -> Iterator[str]:
    props = dict(feature.get("properties") or {})
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "Point" and len(geometry.get("coordinates") or ()) >= 2:
        lon, lat = geometry["coordinates"][:2]
        props.setdefault(GEOJSON_LAT, lat)
        props.setdefault(GEOJSON_LON, lon)
        if props.get(GEOJSON_LAT) in (None, ""):
            props[GEOJSON_LAT], props[GEOJSON_LON] = lat, lon
    for key in header:
        value = props.get(key)
        yield "" if value is None else str(value)
