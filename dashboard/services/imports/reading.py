"""Reading a registry file: its encoding, its header and its rows, CSV or GeoJSON.

An .xlsx file is a zip archive whose few megabytes can unpack to gigabytes (a "zip bomb") and
stall the process that serves every page. Before openpyxl sees it, every member is unpacked
once as a stream and counted (the sizes a zip declares can lie): more than
``XLSX_MAX_UNPACKED`` bytes in all, or ``XLSX_MAX_STRINGS`` of shared strings, refuse the file.
openpyxl then reads in read-only (streaming) mode, at most ``XLSX_MAX_COLUMNS`` columns, and
stops at ``MAX_ROWS`` rows (empty ones count), so the work is bounded whatever the file says.

Municipal files come as UTF-8, UTF-8 with a BOM (what Excel writes) or CP932 (Shift_JIS as
Windows writes it). The encoding is found by trying them strictly in that order: CP932 bytes are
almost never valid UTF-8, so the first that decodes is the right one.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
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
# Bounds of what a file may unpack to and hold (far above a city's registry: ~10,000 rows).
XLSX_MAX_UNPACKED = 64 * 1024 * 1024
XLSX_MAX_STRINGS = 16 * 1024 * 1024
XLSX_MAX_COLUMNS = 256
MAX_ROWS = 100_000


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
    for cells in _csv_rows(reader):
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


def _check_unpacked(data: bytes) -> None:
    """Refuse a workbook that unpacks to more than the bounds above (read as a stream)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = 0
            for info in archive.infolist():
                limit = XLSX_MAX_STRINGS if info.filename.endswith("sharedStrings.xml") else None
                size = 0
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        size += len(chunk)
                        total += len(chunk)
                        if total > XLSX_MAX_UNPACKED or (limit and size > limit):
                            raise ServiceError(
                                "import.xlsx_too_large", megabytes=XLSX_MAX_UNPACKED >> 20
                            )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ServiceError("import.bad_xlsx") from exc


def _csv_rows(reader) -> Iterator[list[str]]:
    """The reader's rows; a field over the csv module's limit (128 KiB) or a broken quote is
    refused naming its line, at most ``MAX_ROWS`` rows."""
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ServiceError("import.bad_csv_line", line=reader.line_num) from exc
        count += 1
        if count > MAX_ROWS + 1:
            raise ServiceError("import.too_many_rows", rows=MAX_ROWS)
        yield cells


def _xlsx(data: bytes) -> Table:
    """The first sheet of a workbook (as an export writes it), numbers read back as text."""
    _check_unpacked(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one message
        raise ServiceError("import.bad_xlsx") from exc
    try:
        cells = []
        sheet = book.worksheets[0]
        # Rows are padded to the sheet's stated width: never wider than the bound.
        width = min(sheet.max_column or XLSX_MAX_COLUMNS, XLSX_MAX_COLUMNS)
        for row in sheet.iter_rows(max_col=width, values_only=True):
            if len(cells) >= MAX_ROWS:
                raise ServiceError("import.too_many_rows", rows=MAX_ROWS)
            values = ["" if v is None else _text(v) for v in row]
            while values and values[-1] == "":
                values.pop()
            cells.append(values)
    except ServiceError:
        raise
    except Exception as exc:  # noqa: BLE001 - a sheet openpyxl cannot read is one message
        raise ServiceError("import.bad_xlsx") from exc
    finally:
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
    except (ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: nesting
        raise ServiceError("import.bad_geojson") from exc
    if not isinstance(features, list):
        raise ServiceError("import.bad_geojson")
    if len(features) > MAX_ROWS:
        raise ServiceError("import.too_many_rows", rows=MAX_ROWS)
    for number, feature in enumerate(features, start=1):
        _check_feature(feature, number)
    header: list[str] = []
    seen: set[str] = set()
    for feature in features:
        for key in [*(feature.get("properties") or {}), GEOJSON_LAT, GEOJSON_LON]:
            if key not in seen:
                seen.add(key)
                header.append(key)
    rows = [tuple(_feature_cells(f, header)) for f in features]
    return Table("geojson", encoding, tuple(header), rows, list(range(1, len(rows) + 1)))


def _check_feature(feature: object, number: int) -> None:
    """Refuse, naming the feature, what is not a GeoJSON feature: not an object, properties
    that are not an object, a geometry that is not an object, point coordinates that are not
    a list of numbers."""
    ok = isinstance(feature, dict)
    properties = feature.get("properties") if ok else None
    geometry = feature.get("geometry") if ok else None
    ok = ok and (properties is None or isinstance(properties, dict))
    ok = ok and (geometry is None or isinstance(geometry, dict))
    if ok and geometry and geometry.get("type") == "Point":
        coordinates = geometry.get("coordinates")
        ok = isinstance(coordinates, list) and all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates
        )
    if not ok:
        raise ServiceError("import.bad_feature", number=number)


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
