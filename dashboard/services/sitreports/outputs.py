"""A situation report as files, all in Japanese: an ``.xlsx`` whose first sheet is the form
(第4号様式 その1 or その2 on its grid, see ``form``), CSV for machines and a printable A4 HTML
page of the same grid (the PDF is in ``pdf``).

The workbook's sheets: the form (merged headings, units, figures right-aligned, 未確認 in its
cell, A4 print area fitted to the page), その1 as well when the report is an その2, the
breakdown per ward (or municipality), and the office's sheet with the source of every figure and
the known part of a partial sum. Every text cell goes through ``exports.safe_cell``; every text
in the HTML is escaped.
"""

from __future__ import annotations

import html
import io
import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dashboard.services.exports import ExportTable, csv_bytes, safe_cell
from dashboard.services.sitreports.form import (
    COLUMNS,
    PARTIAL_NOTE,
    TITLES,
    UNCONFIRMED_NOTE,
    Block,
    Line,
    blocks,
    damage_lines,
    head_lines,
    summary_lines,
)
from dashboard.services.sitreports.rows import ROWS
from dashboard.services.sitreports.snapshot import SUMMARY, SitrepView
from dashboard.services.sitreports.summary import summary_figures

UNCONFIRMED = "未確認"
PARTIAL = "一部未確認"
SOURCE_LABELS = {
    "reports": "被害報告",
    "tally": "区集計",
    "system": "システム",
    "derived": "算出",
    "municipality": "市町村即報",
}
TIME_FORMAT = "%Y年%m月%d日 %H時%M分"
# Column widths of the form sheet (Excel characters) and of the office's sheets.
FORM_WIDTHS = (14, 16, 32, 6, 12, 4)


def value_text(value: int | None) -> str:
    return UNCONFIRMED if value is None else f"{value:,}"


def source_text(source: str) -> str:
    return "・".join(SOURCE_LABELS.get(part, part) for part in source.split("+"))


def title_lines(view: SitrepView) -> list[tuple[str, str]]:
    """The head of the form: (label, value)."""
    return head_lines(view)


def form_lines(view: SitrepView) -> list[Line]:
    """The grid lines of the report's own form."""
    if view.form == SUMMARY:
        return summary_lines(view, summary_figures(view))
    return damage_lines(view)


def report_table(view: SitrepView) -> ExportTable:
    """One line per row of the form: total, its source, and every ward (or municipality)."""
    header = ["区分", "項目", "単位", "計", "計の注記", "出典", *(a.name for a in view.areas)]
    rows = []
    for row in ROWS:
        value, source, partial = view.total[row.key]
        rows.append(
            [
                row.section,
                row.label,
                row.unit,
                value if value is not None else UNCONFIRMED,
                PARTIAL if partial else "",
                source_text(source),
                *(
                    a.figures[row.key][0] if a.figures[row.key][0] is not None else UNCONFIRMED
                    for a in view.areas
                ),
            ]
        )
    return ExportTable(f"sitrep_{view.body_code}_{view.number}", header, rows)


def report_csv(view: SitrepView) -> bytes:
    return csv_bytes(report_table(view))


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")


def _put(sheet, row: int, column: int, value, *, bold: bool = False):
    """A cell (1-based), text kept as text and formulas neutralised."""
    cell = sheet.cell(row=row, column=column, value=safe_cell(value))
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _form_sheet(book: Workbook, view: SitrepView, form: str, lines: list[Line]) -> None:
    """One form on one sheet: title, head lines, the grid with its merges, the notes; A4 portrait
    print area, fitted to one page wide."""
    title, name = TITLES[form]
    sheet = book.create_sheet("その1" if form == SUMMARY else "その2")
    _put(sheet, 1, 1, title)
    _put(sheet, 2, 1, name, bold=True).font = Font(bold=True, size=14)
    row = 3
    for label, value in head_lines(view):
        # The label over 区分 and 小区分 (「市町村（消防本部名）」 is wider than 区分 alone).
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        _put(sheet, row, 1, label, bold=True)
        sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=len(COLUMNS))
        _put(sheet, row, 3, value)
        row += 1
    top = row + 1
    for column, heading in enumerate(COLUMNS, start=1):
        cell = _put(sheet, top, column, heading, bold=True)
        cell.border, cell.fill = _BOX, _HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
    first = top + 1
    for block in blocks(lines):
        _block(sheet, first, block, lines[block.row])
    last = first + len(lines) - 1
    notes = [UNCONFIRMED_NOTE]
    if any(line.note for line in lines):
        notes.append(PARTIAL_NOTE)
    for n, note in enumerate(notes, start=last + 2):
        _put(sheet, n, 1, note)
    for column, width in enumerate(FORM_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.print_area = f"A1:{get_column_letter(len(COLUMNS))}{last + 1 + len(notes)}"
    sheet.print_title_rows = f"{top}:{top}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup.fitToWidth = 1
    setup.fitToHeight = 1 if form == SUMMARY else 2


def _block(sheet, first: int, block: Block, line: Line) -> None:
    row, column = first + block.row, block.col + 1
    if block.last_row > block.row or block.last_col > block.col:
        sheet.merge_cells(
            start_row=row,
            start_column=column,
            end_row=first + block.last_row,
            end_column=block.last_col + 1,
        )
    if block.kind == "figure":
        value = line.value
    else:
        value = block.text
    cell = _put(sheet, row, column, value)
    if block.kind in ("figure", "unconfirmed") and line.is_figure:
        cell.alignment = Alignment(horizontal="right", vertical="center")
        if block.kind == "figure":
            cell.number_format = "#,##0"
    elif block.kind == "text" or (block.kind == "unconfirmed" and not line.is_figure):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        _fit_height(sheet, row, block)
    elif block.kind == "unit":
        cell.alignment = Alignment(horizontal="center", vertical="center")
    else:
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        if block.last_row == block.row:  # a one-row heading wider than its cell wraps
            _fit_height(sheet, row, block)
    for r in range(row, first + block.last_row + 1):
        for c in range(column, block.last_col + 2):
            sheet.cell(row=r, column=c).border = _BOX


def _fit_height(sheet, row: int, block) -> None:
    """Excel does not grow a row to a wrapped (or merged) cell's text: give the row the lines the
    block needs (a full-width character takes about two width units), never less than another
    cell of the row already asked for."""
    width = sum(FORM_WIDTHS[block.col : block.last_col + 1]) / 2
    lines = sum(math.ceil(max(1, len(part)) / width) for part in block.text.split("\n"))
    if lines > 1 or block.kind == "text":
        current = sheet.row_dimensions[row].height or 0
        sheet.row_dimensions[row].height = max(15, 13 * lines, current)


def _table_sheet(book: Workbook, title: str, table: ExportTable, widths) -> None:
    sheet = book.create_sheet(title)
    for column, heading in enumerate(table.header, start=1):
        cell = _put(sheet, 1, column, heading, bold=True)
        cell.border, cell.fill = _BOX, _HEAD_FILL
    for r, values in enumerate(table.rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, r, column, value)
            cell.border = _BOX
            if isinstance(value, int) or value == UNCONFIRMED:
                cell.alignment = Alignment(horizontal="right")
    for column in range(1, len(table.header) + 1):
        width = widths[column - 1] if column <= len(widths) else 10
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "D2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def area_table(view: SitrepView) -> ExportTable:
    """The breakdown: every row of the form per ward (or municipality)."""
    header = ["区分", "項目", "単位", *(a.name for a in view.areas)]
    rows = [
        [
            row.section,
            row.label,
            row.unit,
            *(
                UNCONFIRMED if a.figures[row.key][0] is None else a.figures[row.key][0]
                for a in view.areas
            ),
        ]
        for row in ROWS
    ]
    return ExportTable("areas", header, rows)


def office_table(view: SitrepView) -> ExportTable:
    """For the office: where each figure comes from and the known part of a partial sum."""
    header = ["区分", "項目", "単位", "計", "計の注記", "出典"]
    rows = []
    for row in ROWS:
        value, source, partial = view.total[row.key]
        rows.append(
            [
                row.section,
                row.label,
                row.unit,
                UNCONFIRMED if value is None else value,
                PARTIAL if partial else "",
                source_text(source),
            ]
        )
    return ExportTable("office", header, rows)


def report_xlsx(view: SitrepView) -> bytes:
    """The report as a workbook: its form first (その1 or その2), その1 too for an その2, the
    breakdown per area, the office's sources."""
    book = Workbook()
    book.remove(book.active)
    _form_sheet(book, view, view.form, form_lines(view))
    if view.form != SUMMARY:
        _form_sheet(book, view, SUMMARY, summary_lines(view, summary_figures(view)))
    per = "区別内訳" if view.level == "municipality" else "市町村別内訳"
    _table_sheet(book, per, area_table(view), (12, 20, 6))
    _table_sheet(book, "出典（事務用）", office_table(view), (14, 24, 6, 10, 10, 14))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_PAGE_CSS = """
@page { size: A4 portrait; margin: 10mm; }
body { font-family: "IPAexGothic", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Yu Gothic",
       sans-serif; font-size: 8.5pt; color: #000; }
h1 { font-size: 13pt; margin: 0 0 4pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #333; padding: 1pt 4pt; vertical-align: middle; }
td.n { text-align: right; }
td.u { color: #a00; text-align: right; }
td.t { white-space: pre-wrap; }
td.c { text-align: center; }
.changed { background: #fff3bf; }
.head td { border: none; }
.notes { font-size: 7.5pt; }
"""


def grid_html(lines: list[Line], changed: set[str] = frozenset()) -> str:
    """The grid as an HTML table with the form's merges (``changed``: row keys to mark)."""
    esc = html.escape
    covered: set[tuple[int, int]] = set()
    starts: dict[tuple[int, int], Block] = {}
    for block in blocks(lines):
        starts[(block.row, block.col)] = block
        for r in range(block.row, block.last_row + 1):
            for c in range(block.col, block.last_col + 1):
                covered.add((r, c))
    body = []
    for r, line in enumerate(lines):
        mark = " class='changed'" if line.key in changed else ""
        cells = []
        for c in range(len(COLUMNS)):
            block = starts.get((r, c))
            if block is None:
                if (r, c) not in covered:
                    cells.append("<td></td>")
                continue
            span = f" rowspan='{block.last_row - block.row + 1}'" if block.last_row > r else ""
            if block.last_col > c:
                span += f" colspan='{block.last_col - c + 1}'"
            css = {"figure": "n", "unconfirmed": "u", "text": "t", "unit": "c"}.get(block.kind, "")
            css_attr = f" class='{css}'" if css else ""
            cells.append(f"<td{span}{css_attr}>{esc(block.text)}</td>")
        body.append(f"<tr{mark}>{''.join(cells)}</tr>")
    heading = "".join(f"<th>{esc(c)}</th>" for c in COLUMNS)
    return f"<table><tr>{heading}</tr>{''.join(body)}</table>"


def report_html(view: SitrepView, *, changed: set[tuple[str, str]] | None = None) -> str:
    """The report's form as a printable A4 page; ``changed`` totals are marked."""
    esc = html.escape
    title, name = TITLES[view.form]
    lines = form_lines(view)
    keys = {key for area, key in (changed or set()) if area == "total"}
    head = "".join(
        f"<tr><td><b>{esc(label)}</b></td><td>{esc(value)}</td></tr>"
        for label, value in head_lines(view)
    )
    notes = [UNCONFIRMED_NOTE] + ([PARTIAL_NOTE] if any(line.note for line in lines) else [])
    return (
        "<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'>"
        f"<title>{esc(view.disaster_name)} 第{view.number}報</title><style>{_PAGE_CSS}</style>"
        f"</head><body><div>{esc(title)}</div><h1>{esc(name)}</h1>"
        f"<table class='head'>{head}</table><br>{grid_html(lines, keys)}"
        f"<div class='notes'>{'<br>'.join(esc(n) for n in notes)}</div></body></html>"
    )
