"""Exports: registry layouts that re-import unchanged, the running-shelter table, damage reports
scoped to the user and to drills, and formula cells neutralised."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from dashboard.services import damage, modes, shelters
from dashboard.services.exports import (
    REPORT_COLUMNS,
    ExportTable,
    code_with_check_digit,
    crowding,
    csv_bytes,
    registry_table,
    render,
    reports_table,
    safe_cell,
    status_table,
)
from dashboard.services.imports import import_shelters
from dashboard.storage.db import transaction
from dashboard.storage.models import Shelter
from tests.dashboard.services.test_imports import (
    DIGITAL_EMERGENCY,
    DIGITAL_SHELTER,
    GSI_EMERGENCY,
    GSI_SHELTER,
    digital_emergency_rows,
    digital_rows,
    emergency_rows,
    gsi_shelter_rows,
    to_csv,
)
from tests.factories import CHUO_POINT, KITA_POINT


@pytest.fixture
def registry_city(city):
    """The test city with its hand-made shelters retired: only imported ones are exported."""
    with transaction(city.engine) as s:
        s.execute(update(Shelter).values(active=False))
    return city


def read_csv(data: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


@pytest.mark.parametrize(
    ("layout", "rows", "columns"),
    [
        ("gsi_shelter", gsi_shelter_rows, GSI_SHELTER),
        ("gsi_emergency", emergency_rows, GSI_EMERGENCY),
        ("digital_shelter", digital_rows, DIGITAL_SHELTER),
        ("digital_emergency", digital_emergency_rows, DIGITAL_EMERGENCY),
    ],
)
@pytest.mark.parametrize("file_type", ["csv", "csv_cp932", "xlsx", "geojson"])
def test_export_re_imports_unchanged(city, layout, rows, columns, file_type):
    import_shelters(city.engine, city.admin, to_csv(rows(), columns))
    table = registry_table(city.engine, city.admin, layout_key=layout)
    assert list(table.header) == list(columns)
    data, _, name = render(table, file_type)
    again = import_shelters(city.engine, city.admin, data, filename=name)
    assert again.format == layout
    # The city's own shelters (not from a registry) are adopted on their exported ids, and
    # count as unchanged: the file says nothing new about them.
    adopted = sum(1 for row in table.rows if not str(row[1]).startswith(("27100-", "0000")))
    assert (again.created, again.updated, again.errors) == (0, 0, [])
    assert (again.linked, again.unchanged) == (adopted, len(table.rows))
    # From then on the export re-imports unchanged.
    table = registry_table(city.engine, city.admin, layout_key=layout)
    data = render(table, file_type)[0]
    last = import_shelters(city.engine, city.admin, data, filename=name)
    assert (last.created, last.updated, last.unchanged) == (0, 0, len(table.rows))


def test_gsi_export_is_the_file_that_was_imported(registry_city):
    original = to_csv(gsi_shelter_rows(), GSI_SHELTER, encoding="utf-8-sig")
    import_shelters(registry_city.engine, registry_city.admin, original)
    table = registry_table(registry_city.engine, registry_city.admin, layout_key="gsi_shelter")
    assert read_csv(render(table, "csv")[0]) == read_csv(original)
    assert render(table, "csv")[0].startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its BOM


def test_digital_export_keeps_the_capacity_text_and_the_six_digit_code(registry_city):
    import_shelters(
        registry_city.engine, registry_city.admin, to_csv(digital_rows(), DIGITAL_SHELTER)
    )
    table = registry_table(registry_city.engine, registry_city.admin, layout_key="digital_shelter")
    first = dict(zip(table.header, table.rows[0], strict=True))
    assert first["想定収容人数"] == "810人（2平方メートルあたり1人）"
    assert first["全国地方公共団体コード"] == "271004"
    assert code_with_check_digit("27127") == "271276"


def test_status_appended_to_the_registry_and_the_running_table(registry_city):
    import_shelters(
        registry_city.engine, registry_city.admin, to_csv(digital_rows(), DIGITAL_SHELTER)
    )
    table = registry_table(registry_city.engine, registry_city.admin, layout_key="digital_shelter")
    ids = {r[1]: None for r in table.rows}
    views = {v.name: v for v in shelters.list_shelters(registry_city.engine, registry_city.admin)}
    first, unknown = views["市民センター1"], views["市民センター3"]
    shelters.record_status(
        registry_city.engine,
        registry_city.admin,
        shelter_id=first.id,
        submission_id="a",
        state="open",
        evacuees=700,
        households=300,
    )
    shelters.record_status(
        registry_city.engine,
        registry_city.admin,
        shelter_id=unknown.id,
        submission_id="b",
        state="open",
        evacuees=5,
    )
    with_status = registry_table(
        registry_city.engine, registry_city.admin, layout_key="digital_shelter", with_status=True
    )
    assert with_status.header[-4:] == ["開設状況", "避難者数", "世帯数", "報告日時"]
    assert len(ids) == 4
    running = status_table(registry_city.engine, registry_city.admin)
    by_name = {row[1]: dict(zip(running.header, row, strict=True)) for row in running.rows}
    assert by_name["市民センター1"]["混雑度"] == "混雑"  # 700 of 810
    assert by_name["市民センター1"]["世帯数"] == 300
    # Unknown capacity never reads as free or full.
    assert by_name["市民センター3"]["混雑度"] == "不明（収容人数未登録）"
    assert by_name["市民センター3"]["収容人数"] == "不明"
    # The re-import of an export with status columns ignores them.
    again = import_shelters(
        registry_city.engine, registry_city.admin, render(with_status, "csv")[0]
    )
    assert (again.updated, again.created) == (0, 0)


def test_crowding_bands():
    assert [crowding("open", n, 100) for n in (10, 60, 90, 100)] == [
        "free",
        "busy",
        "crowded",
        "full",
    ]
    assert crowding("full", 3, 100) == "full"
    assert crowding("open", 3, None) == "unknown"
    assert crowding("full", 3, None) == "full"  # the ward said so


def test_formula_cells_are_neutralised():
    assert [safe_cell(v) for v in ("=1+1", "+81", "-2", "@SUM(A1)", "\tx", "\rx", "ok", 5, -3)] == [
        "'=1+1",
        "'+81",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok",
        5,
        -3,
    ]
    table = ExportTable("t", ["名前"], [['=HYPERLINK("http://x","y")']])
    assert read_csv(csv_bytes(table))[1] == ['\'=HYPERLINK("http://x","y")']
    sheet = load_workbook(io.BytesIO(render(table, "xlsx")[0])).active
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")


def _report(city, actor, point, *, submission, category="fire", description=None, **detail):
    draft = damage.ReportDraft(
        lat=point[0],
        lon=point[1],
        category=category,
        severity=3,
        description=description,
        **detail,
    )
    return damage.submit_report(city.engine, actor, draft, submission_id=submission)


def test_damage_export_follows_scope_filters_and_drills(city):
    _report(city, city.kita_staff, KITA_POINT, submission="k1", description="=cmd|' /C calc'!A0")
    _report(city, city.chuo_staff, CHUO_POINT, submission="c1", category="flooding")
    mine = reports_table(city.engine, city.kita_staff)
    assert [r[2] for r in mine.rows] == ["北区"]  # a ward user never gets another ward's data
    assert read_csv(render(mine, "csv")[0])[1][10].startswith("'=")
    everything = reports_table(city.engine, city.admin)
    assert len(everything.rows) == 2
    floods = reports_table(city.engine, city.admin, categories=["flooding"])
    assert [r[3] for r in floods.rows] == ["浸水"]
    geo = json.loads(render(everything, "geojson")[0])
    assert len(geo["features"]) == 2 and geo["features"][0]["geometry"]["type"] == "Point"
    modes.start_drill(city.engine, city.admin, name="訓練")
    _report(city, city.kita_staff, KITA_POINT, submission="d1")
    drill = reports_table(city.engine, city.admin)
    assert len(drill.rows) == 1 and drill.rows[0][REPORT_COLUMNS.index("drill")] == "訓練"
    assert drill.name == "damage_reports_drill"
    modes.end_drill(city.engine, city.admin)
    assert len(reports_table(city.engine, city.admin).rows) == 2


def test_damage_export_appends_housing_damage_and_injury_split(city):
    _report(
        city,
        city.kita_staff,
        KITA_POINT,
        submission="k1",
        injured=3,
        injured_serious=1,
        housing_class="total_collapse",
        housing_buildings=2,
        housing_persons=0,
    )
    _report(city, city.chuo_staff, CHUO_POINT, submission="c1")  # old style: none of them given
    table = reports_table(city.engine, city.admin)
    header = read_csv(render(table, "csv")[0])[0]
    # The old columns keep their names and order; the new ones are appended.
    assert header == [
        *("番号", "報告日時", "区", "種別", "深刻度", "死者", "負傷者", "行方不明者", "要救助者"),
        *("場所", "内容", "確認状況", "緯度", "経度", "訓練"),
        *("住家被害区分", "住家被害 棟数", "住家被害 世帯数", "住家被害 人数"),
        *("負傷者 重傷", "負傷者 軽傷"),
    ]
    by_ward = {row[2]: row for row in read_csv(render(table, "csv")[0])[1:]}
    # Given figures are written, an explicit 0 stays 0; what was not given (未確認) stays empty.
    assert by_ward["北区"][-6:] == ["全壊", "2", "", "0", "1", ""]
    assert by_ward["中央区"][-6:] == ["", "", "", "", "", ""]
    sheet = load_workbook(io.BytesIO(render(table, "xlsx")[0])).active
    rows = {r[2]: r[-6:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["北区"] == ("全壊", 2, None, 0, 1, None)
    assert rows["中央区"] == (None,) * 6
    english = reports_table(city.engine, city.admin, lang="en")
    assert english.header[-6][:7] == "Housing" and "Totally destroyed" in {
        r[-6] for r in english.rows
    }


def test_a_ward_user_exports_only_its_own_wards_shelters(registry_city):
    city = registry_city
    import_shelters(city.engine, city.admin, to_csv(gsi_shelter_rows(4), GSI_SHELTER))
    everything = registry_table(city.engine, city.admin, layout_key="gsi_shelter")
    mine = registry_table(city.engine, city.kita_staff, layout_key="gsi_shelter")
    assert len(everything.rows) == 4
    assert [row[1] for row in mine.rows] == ["27100-0000", "27100-0002"]  # 北区 only
