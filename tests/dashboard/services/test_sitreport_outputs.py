"""A situation report as files: xlsx read back with openpyxl, PDF text extracted with pypdf,
the printable A4 page escaped, CSV for machines; 未確認 printed as such, never as 0."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard.services import modes, sitreports
from tests.dashboard.services.sitreport_factories import add_town, first_hour, start_typhoon
from tests.factories import CITY, KITA


@pytest.fixture
def first(city):
    add_town(city)
    ty = start_typhoon(city)
    first_hour(city, ty)
    report_id = sitreports.issue_report(
        city.engine,
        city.mayor,
        ty.disaster_id,
        body_code=CITY,
        submission_id="r1",
        as_of=ty.at(60),
        remarks={"evacuation_orders": "北区に避難指示 <script>", "other": "=HYPERLINK(1)"},
    )
    return sitreports.get_report(city.engine, city.mayor, report_id)


def cells(path_or_bytes):
    sheet = load_workbook(io.BytesIO(path_or_bytes)).active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def line(rows, section, label):
    return next(r for r in rows if r[0] == section and r[1] == label)


def test_xlsx_holds_the_form_labels_units_and_figures(first):
    sheet, rows = cells(sitreports.report_xlsx(first))
    assert sheet.title == "第1報"
    assert rows[0][0] == "第4号様式（その2）" and rows[1][0] == "被害状況即報"
    head = {r[0]: r[1] for r in rows[2:8]}
    assert head["災害名"] == "令和8年台風第10号" and head["報告番号"] == "第1報"
    assert head["報告者名"] == "mayor"
    header = next(r for r in rows if r[0] == "区分")
    assert header[:6] == ["区分", "項目", "単位", "計", "計の注記", "出典"]
    kita = header.index("北区")
    dead = line(rows, "人的被害", "死者")
    assert dead[2] == "人" and dead[3] == 1 and dead[4] == "一部未確認" and dead[kita] == 1
    assert line(rows, "住家被害", "全壊")[2:4] == ["棟", 2]  # first 全壊 line is 棟
    assert line(rows, "避難所の設置状況", "避難者数")[2:6] == ["人", 200, None, "システム"]
    assert line(rows, "その他", "水道")[2:4] == ["戸", 1200]
    assert line(rows, "その他", "電気")[3] == "未確認"
    assert line(rows, "その他", "水道")[5] == "区集計"
    remark = next(r for r in rows if r[0] == "その他・備考")
    assert remark[1] == "'=HYPERLINK(1)"  # shown, never run as a formula
    summary = load_workbook(io.BytesIO(sitreports.report_xlsx(first)))["その1"]
    summary_rows = [[c.value for c in row] for row in summary.iter_rows()]
    assert summary_rows[1][0] == "災害概況即報"
    assert line(summary_rows, "人的被害", "死者")[2:5] == ["人", 1, "一部未確認"]
    assert line(summary_rows, "避難所の設置状況", "避難者数")[3] == 200
    assert not any(r[1] == "水道" for r in summary_rows)  # その1 carries the summary rows only
    hq = next(r for r in summary_rows if r[0] == "災害対策本部等の設置状況")
    assert hq[1] == "未確認"  # no disaster mode was declared
    evacuation = next(r for r in summary_rows if r[0] == "避難指示等の発令状況")
    assert evacuation[1] == "北区に避難指示 <script>"


def test_pdf_text_has_number_and_totals(first):
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(sitreports.report_pdf(first))).pages
    )
    assert "令和8年台風第10号" in text and "第1報" in text
    assert "被害状況即報" in text and "避難者数" in text
    assert "200" in text and "1,200" in text and "未確認" in text


def test_html_is_an_escaped_a4_page(first):
    page = sitreports.report_html(first, changed={("total", "dead")})
    assert "size: A4" in page and "第1報" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count('class="changed"') == 1


def test_csv_for_machines(first):
    text = sitreports.report_csv(first).decode("utf-8-sig")
    header, *lines = text.splitlines()
    assert header.startswith("区分,項目,単位,計,計の注記,出典,")
    assert "人的被害,死者,人,1,一部未確認,被害報告" in text
    assert len(lines) == len(sitreports.ROWS)


def test_draft_is_marked_as_draft(city):
    add_town(city)
    ty = start_typhoon(city)
    draft = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    assert not draft.issued and draft.number == 1
    sheet, rows = cells(sitreports.report_xlsx(draft))
    assert {r[0]: r[1] for r in rows[2:8]}["報告番号"] == "第1報（案）"
    # Nothing reported yet: the first report may be all 未確認 but what the system knows.
    assert draft.total["dead"] == [None, "reports", False]
    assert draft.total["evacuees"] == [0, "system", False]
    assert draft.area(KITA).status == sitreports.UNCONFIRMED
    assert modes.list_disasters(city.engine, city.kita_head)[0].name == "令和8年台風第10号"
