"""A situation report as the form that is filed: the xlsx read back with openpyxl (sheets, merged
headings, print area, row order, every figure of a scripted typhoon worked out by hand in its
cell, 未確認 never 0), the PDF read back with pypdf (font embedded, grid texts, pages), the A4
page escaped, CSV for machines."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard.services import sitreports
from tests.dashboard.services.sitreport_factories import (
    add_town,
    first_hour,
    start_typhoon,
    town_typhoon_report,
)
from tests.factories import CITY


@pytest.fixture
def town(city):
    return town_typhoon_report(city)


def form_cells(sheet) -> dict[tuple[str, str, str, str], object]:
    """(区分, 小区分, 項目, 単位) -> the 被害 cell, reading merged headings as a reader does."""
    merged = {}
    for cells in sheet.merged_cells.ranges:
        value = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, cells.max_row + 1):
            for col in range(cells.min_col, cells.max_col + 1):
                merged[(row, col)] = value
    top = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "区分")
    found = {}
    for row in range(top + 1, sheet.max_row + 1):
        heads = [merged.get((row, c), sheet.cell(row, c).value) or "" for c in (1, 2, 3, 4)]
        if heads[0] and sheet.cell(row, 5).value is not None:
            found[tuple(heads)] = sheet.cell(row, 5).value
    return found


def test_the_typhoon_form_has_every_figure_worked_out_by_hand(town):
    book = load_workbook(io.BytesIO(sitreports.report_xlsx(town)))
    assert book.sheetnames == ["その2", "その1", "区別内訳", "出典（事務用）"]
    sheet = book["その2"]
    assert sheet["A1"].value == "第4号様式（その2）" and sheet["A2"].value == "被害状況即報"
    got = form_cells(sheet)

    def cell(section, group, item="", unit=""):
        # A heading merged across 小区分 and 項目 reads as the same text in both.
        for key in ((section, group, item or group, unit), (section, group, item, unit)):
            if key in got:
                return got[key]
        raise KeyError((section, group, item, unit))

    assert cell("人的被害", "死者", unit="人") == 2
    assert cell("人的被害", "行方不明者", unit="人") == 0
    assert cell("人的被害", "負傷者", "重傷", "人") == 1
    assert cell("人的被害", "負傷者", "軽傷", "人") == 2
    assert cell("住家被害", "全壊", unit="棟") == 1
    assert cell("住家被害", "全壊", unit="人") == 3
    # 半壊 holds the 大規模半壊 report once: 4 + 2 棟; the うち line says 2.
    assert cell("住家被害", "半壊", unit="棟") == 6
    assert cell("住家被害", "半壊", unit="人") == 15
    assert cell("住家被害", "半壊", "うち大規模半壊", "棟") == 2
    assert cell("住家被害", "半壊", "うち中規模半壊", "棟") == "未確認"  # no tally: not 0
    assert cell("住家被害", "床下浸水", unit="世帯") == 6
    assert cell("住家被害", "一部破損", unit="棟") == 0  # confirmed: no report means 0
    # り災世帯数 = 全壊 1 + 半壊 6 + 床上浸水 0; り災者数 = 3 + 15 + 0.
    assert cell("り災世帯数", "り災世帯数", "り災世帯数", "世帯") == 7
    assert cell("り災者数", "り災者数", "り災者数", "人") == 18
    assert cell("その他", "道路", unit="箇所") == 3
    assert cell("その他", "水道", unit="戸") == "未確認"
    assert cell("その他", "田", "流失・埋没", "ha") == "未確認"
    # 被害額: 小計 = 0 + 3,000 + 12,000 + 500; 総額 = 15,500 + 800 + 1,500 + 200.
    assert cell("被害額", "小計", unit="千円") == 15500
    assert cell("被害額", "公共施設被害市町村数", unit="団体") == 1
    assert cell("被害額", "被害総額", unit="千円") == 18000
    assert cell("災害救助法適用市町村名", "計", unit="団体") == 1
    assert cell("消防職員出動延人数", "消防職員出動延人数", "消防職員出動延人数", "人") == 40
    assert cell("消防団員出動延人数", "消防団員出動延人数", "消防団員出動延人数", "人") == 120
    values = [v for v in got.values() if isinstance(v, str)]
    assert not any("（" in v and "未確認" in v for v in values)  # never 「0（一部未確認）」


def test_the_form_sheet_is_laid_out_for_a4(town):
    sheet = load_workbook(io.BytesIO(sitreports.report_xlsx(town)))["その2"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    texts = [[c.value for c in row] for row in sheet.iter_rows()]
    top = next(i for i, r in enumerate(texts, start=1) if r[0] == "区分")
    assert texts[top - 1][:6] == ["区分", "小区分", "項目", "単位", "被害", "注"]
    # 人的被害 is one heading down its five lines; 全壊 spans 小区分 and 項目 over 棟・世帯・人.
    assert f"A{top + 1}:A{top + 5}" in merged
    sections = [r[0] for r in texts[top:] if r[0]]
    order = ["人的被害", "住家被害", "非住家", "その他", "り災世帯数", "り災者数", "火災発生"]
    order += ["被害額", "災害対策本部等の設置状況", "災害救助法適用市町村名"]
    order += ["消防職員出動延人数", "消防団員出動延人数", "備考"]
    assert [s for s in sections if s in order] == order
    assert sheet.print_area and sheet.print_area.startswith("'その2'!$A$1:$F$")
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4  # "9": A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    # Figures right-aligned; 未確認 is a cell of its own, right-aligned too.
    figure_cells = [c for row in sheet.iter_rows(min_col=5, max_col=5) for c in row]
    assert all(
        c.alignment.horizontal == "right"
        for c in figure_cells
        if isinstance(c.value, int) or c.value == "未確認"
    )
    # The 本部 from the declaration; remarks as typed, a formula neutralised.
    flat = [str(v) for r in texts for v in r if v is not None]
    assert any(v.startswith("岸和田町 第2非常配備（") and "設置" in v for v in flat)
    assert "'=HYPERLINK(1)" in flat and "岸和田町（9月1日 12時00分 適用）" in flat
    assert "出典" not in flat  # the source is for the office, on its own sheet


def test_breakdown_and_office_sheets(city):
    add_town(city)
    ty = start_typhoon(city)
    first_hour(city, ty)
    view = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    book = load_workbook(io.BytesIO(sitreports.report_xlsx(view)))
    areas = [[c.value for c in row] for row in book["区別内訳"].iter_rows()]
    assert areas[0][:3] == ["区分", "項目", "単位"] and len(areas[0]) == 3 + 24
    kita = areas[0].index("北区")
    dead = next(r for r in areas if r[1] == "死者")
    assert dead[kita] == 1
    office = [[c.value for c in row] for row in book["出典（事務用）"].iter_rows()]
    dead = next(r for r in office if r[1] == "死者")
    assert dead[3:6] == [1, "一部未確認", "被害報告"]
    form = form_cells(book["その2"])
    # On the form the partial total is the known sum with ※ beside it, never 「1（一部未確認）」.
    assert form[("人的被害", "死者", "死者", "人")] == 1
    sheet = book["その2"]
    marks = [sheet.cell(r, 6).value for r in range(1, sheet.max_row + 1)]
    assert "※" in marks


def pdf_fonts(reader: PdfReader) -> list[dict]:
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    found.append(descriptor.get_object())
    return found


def test_pdf_embeds_its_font_and_holds_the_grid(town):
    reader = PdfReader(io.BytesIO(sitreports.report_pdf(town)))
    assert 1 <= len(reader.pages) <= 2
    descriptors = pdf_fonts(reader)
    assert descriptors and all("/FontFile2" in d for d in descriptors)
    assert any("IPAexGothic" in str(d["/FontName"]) for d in descriptors)
    text = "".join(p.extract_text() for p in reader.pages)
    for word in ("被害状況即報", "人的被害", "うち大規模半壊", "被害総額", "18,000", "未確認"):
        assert word in text, word
    assert "消防団員出動延人数" in text and "<script>" in text  # shown as text, not markup


def test_summary_pdf_is_one_page(city):
    add_town(city)
    ty = start_typhoon(city)
    report_id = sitreports.issue_summary_report(
        city.engine,
        city.mayor,
        ty.disaster_id,
        body_code=CITY,
        submission_id="s1",
        texts={"overview": "暴風により倒木多数", "response": "・本部設置\n・避難所開設"},
    )
    view = sitreports.get_report(city.engine, city.mayor, report_id)
    reader = PdfReader(io.BytesIO(sitreports.report_pdf(view)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "災害概況即報" in text and "暴風により倒木多数" in text and "未確認" in text
    book = load_workbook(io.BytesIO(sitreports.report_xlsx(view)))
    assert book.sheetnames == ["その1", "区別内訳", "出典（事務用）"]
    assert book["その1"].page_setup.fitToHeight == 1


def test_html_is_an_escaped_a4_page(town):
    page = sitreports.report_html(town, changed={("total", "dead")})
    assert "@page { size: A4 portrait" in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "class='changed'" in page and "rowspan=" in page


def test_csv_for_machines(town):
    text = sitreports.report_csv(town).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("区分,項目,単位,計,計の注記,出典")
    assert "人的被害,死者,人,2," in text


def test_draft_is_marked_as_draft(city):
    add_town(city)
    ty = start_typhoon(city)
    draft = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    assert not draft.issued and draft.number == 1
    sheet = load_workbook(io.BytesIO(sitreports.report_xlsx(draft)))["その2"]
    head = {sheet.cell(r, 1).value: sheet.cell(r, 3).value for r in range(3, 9)}
    assert head["災害名"] == "令和8年台風第10号（第1報）（案）"


def test_long_remarks_are_set_smaller_to_fit_two_pages_and_never_break_the_pdf(town):
    from dataclasses import replace

    # About 1,000 characters in four remarks: three pages at 7 pt, two when set smaller.
    long = replace(town, remarks=dict.fromkeys(town.remarks, "避難所の運営状況を報告します。" * 70))
    reader = PdfReader(io.BytesIO(sitreports.report_pdf(long)))
    assert len(reader.pages) == 2
    assert "避難所の運営状況を報告します。" in reader.pages[1].extract_text()
    # Every remark at its longest: more pages, but a PDF (a cell taller than a page splits).
    longest = replace(town, remarks=dict.fromkeys(sitreports.REMARK_KEYS, "あ" * 2000))
    assert len(PdfReader(io.BytesIO(sitreports.report_pdf(longest))).pages) >= 2
