"""What the printed form looks like to the prefecture's reader: a heading too long for its
cell breaks after a word (「災害対策本部等の／設置状況」, 「災害救助法／適用市町村名」), never
inside one; units are centred in their column (xlsx and the A4 page; the PDF looked at)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard.services import sitreports
from dashboard.services.sitreports.form import WIDTHS_MM
from dashboard.services.sitreports.pdf import CELL_PADDING, _heading, _register_font
from tests.dashboard.services.sitreport_factories import town_typhoon_report

MM = 72 / 25.4


def first_column(size: float = 7.0) -> float:
    return WIDTHS_MM[0] * MM - 2 * CELL_PADDING


def test_long_headings_break_after_a_word():
    font = _register_font()
    assert _heading("災害対策本部等の設置状況", first_column(), font, 7.0) == (
        "災害対策本部等の<br/>設置状況"
    )
    assert _heading("災害救助法適用市町村名", first_column(), font, 7.0) == (
        "災害救助法<br/>適用市町村名"
    )
    assert _heading("人的被害", first_column(), font, 7.0) == "人的被害"  # fits: unchanged
    assert _heading("<b>等の設置状況のための長い見出し", 30, font, 7.0).startswith("&lt;b&gt;")


def test_the_printed_form_reads_headings_and_units_as_a_reader_expects(city):
    view = town_typhoon_report(city)
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(sitreports.report_pdf(view))).pages
    )
    assert "災害対策本部等の\n設置状況" in text and "設\n置状況" not in text
    sheet = load_workbook(io.BytesIO(sitreports.report_xlsx(view)))["その2"]
    units = [
        row[3]
        for row in sheet.iter_rows(min_row=1)
        if row[3].value in ("人", "棟", "世帯", "千円", "箇所")
    ]
    assert units and all(cell.alignment.horizontal == "center" for cell in units)
    assert "<td class='c'>千円</td>" in sitreports.report_html(view)  # the A4 page too


def test_the_workbook_head_label_is_not_cut(city):
    view = town_typhoon_report(city)
    sheet = load_workbook(io.BytesIO(sitreports.report_xlsx(view)))["その2"]
    row = next(r for r in range(3, 10) if sheet.cell(r, 1).value == "市町村（消防本部名）")
    assert f"A{row}:B{row}" in {str(m) for m in sheet.merged_cells.ranges}
    assert sheet.cell(row, 3).value == "岸和田町"
