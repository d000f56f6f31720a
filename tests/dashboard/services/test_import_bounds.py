"""Uploaded files that would crash or stall the import (issue 20 #5 and #8): each is refused with
a clear message naming the file's problem (or its row), quickly and without a traceback.

The zip bombs are made here, each well under the 10 MB upload limit: a workbook whose shared
strings unpack to 200 MB, and one whose sheet holds 150,000 rows.
"""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from dashboard.errors import ServiceError
from dashboard.i18n import translate
from dashboard.services import rollcall
from dashboard.services.imports import read_table

UPLOAD_LIMIT = 10 * 1024 * 1024


def workbook_with(member: str, write) -> bytes:
    """A real one-cell workbook whose ``member`` is replaced by what ``write(stream)`` writes."""
    book = Workbook()
    book.active["A1"] = "name"
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            if info.filename != member:
                zf.writestr(info, source.read(info))
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as stream:
            write(stream)
    return out.getvalue()


def huge_shared_strings(stream) -> None:
    stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    chunk = b"<si><t>" + b"A" * 1_000_000 + b"</t></si>"
    for _ in range(200):
        stream.write(chunk)
    stream.write(b"</sst>")


def many_rows(stream) -> None:
    stream.write(
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    for start in range(1, 150_001, 10_000):
        stream.write(
            b"".join(
                b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
                for n in range(start, start + 10_000)
            )
        )
    stream.write(b"</sheetData></worksheet>")


def refused_quickly(data: bytes, filename: str = "") -> ServiceError:
    """The refusal, and that it came without holding the unpacked file (a bomb read in full
    takes gigabytes; time is not asserted, see bench/ for speed)."""
    tracemalloc.start()
    try:
        with pytest.raises(ServiceError) as raised:
            read_table(data, filename=filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300 * 1024 * 1024, peak
    return raised.value


def test_a_workbook_whose_shared_strings_unpack_to_200_mb_is_refused():
    data = workbook_with("xl/sharedStrings.xml", huge_shared_strings)
    assert len(data) < UPLOAD_LIMIT
    error = refused_quickly(data)
    assert error.key == "import.xlsx_too_large"
    assert "CSV" in translate(error.key, "ja", **error.params)


def test_a_workbook_of_150000_rows_is_refused():
    data = workbook_with("xl/worksheets/sheet1.xml", many_rows)
    assert len(data) < UPLOAD_LIMIT
    error = refused_quickly(data)
    assert error.key == "import.too_many_rows"


def test_a_workbook_that_jumps_to_row_a_million_is_refused():
    def jump(stream):
        stream.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
            b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData></worksheet>'
        )

    error = refused_quickly(workbook_with("xl/worksheets/sheet1.xml", jump))
    assert error.key == "import.too_many_rows"


@pytest.mark.parametrize(
    ("what", "data", "key", "params"),
    [
        (
            "deep nesting",
            b'{"features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "import.bad_geojson",
            {},
        ),
        (
            "a feature that is a number",
            {"features": [{"properties": {}}, 1]},
            "import.bad_feature",
            {"number": 2},
        ),
        (
            "dict coordinates",
            {"features": [{"geometry": {"type": "Point", "coordinates": {"a": 1, "b": 2}}}]},
            "import.bad_feature",
            {"number": 1},
        ),
        (
            "list properties",
            {"features": [{"properties": [1, 2]}]},
            "import.bad_feature",
            {"number": 1},
        ),
        ("features not a list", {"features": {"a": 1}}, "import.bad_geojson", {}),
        (
            "a CSV field over 128 KiB",
            b"name,x\nok,1\n" + b"x" * 200_000 + b",1\n",
            "import.bad_csv_line",
            {"line": 3},
        ),
    ],
)
def test_a_malformed_file_is_a_clear_problem(what, data, key, params):
    if isinstance(data, dict):
        data = json.dumps(data).encode()
    with pytest.raises(ServiceError) as raised:
        read_table(data, filename="f.geojson" if data.startswith(b"{") else "f.csv")
    assert (raised.value.key, raised.value.params) == (key, params), what
    assert translate(key, "ja", **params) != key


def test_a_staff_csv_field_over_128_kib_is_a_problem_of_its_line(city):
    data = "employee_number,name,unit_code,tier,email\nK1," + "x" * 200_000 + ",27127,1,a@b.jp\n"
    report = rollcall.import_staff(city.engine, city.admin, data.encode(), dry_run=True)
    assert [(p.line, p.key) for p in report.problems] == [(2, "import.bad_csv_line")]
    assert not report.applied
