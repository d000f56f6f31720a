"""A situation report as files, all in Japanese: ``.xlsx`` laid out like 第4号様式 (その2) with
its row labels and units, CSV for machines, a printable A4 HTML page and a PDF.

未確認 is printed as 未確認, never as 0 or an empty cell; a total that sums some wards while others
are still 未確認 is marked 一部未確認. Every text cell goes through ``exports.safe_cell``, every
text in the HTML is escaped. The PDF uses reportlab's built-in Japanese CID font
(HeiseiKakuGo-W5): the viewer supplies the glyphs, so nothing is downloaded or embedded.
"""

from __future__ import annotations

import html
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from dashboard.services.exports import ExportTable, csv_bytes, safe_cell
from dashboard.services.sitreports.rows import HQ_LABEL, REMARK_KEYS, REMARK_LABELS, ROWS
from dashboard.services.sitreports.snapshot import SitrepView
from dashboard.timefmt import local

UNCONFIRMED = "未確認"
PARTIAL = "一部未確認"
SOURCE_LABELS = {
    "reports": "被害報告",
    "tally": "区集計",
    "system": "システム",
    "derived": "算出",
    "municipality": "市町村即報",
}
FORM_TITLE = "第4号様式（その2）"
FORM_NAME = "被害状況即報"
SUMMARY_TITLE = "第4号様式（その1）"
SUMMARY_NAME = "災害概況即報"
PDF_FONT = "HeiseiKakuGo-W5"
TIME_FORMAT = "%Y年%m月%d日 %H時%M分"


def value_text(value: int | None) -> str:
    return UNCONFIRMED if value is None else f"{value:,}"


def source_text(source: str) -> str:
    return "・".join(SOURCE_LABELS.get(part, part) for part in source.split("+"))


def title_lines(view: SitrepView) -> list[tuple[str, str]]:
    """The head of the form: (label, value)."""
    state = "" if view.issued else "（案）"
    lines = [
        ("災害名", view.disaster_name),
        ("報告番号", f"第{view.number}報{state}"),
        ("報告日時", local(view.as_of).strftime(TIME_FORMAT)),
        ("都道府県・市町村" if view.level == "municipality" else "都道府県", view.body_name),
        ("報告者名", view.issued_by or ""),
    ]
    if view.exercise:
        lines.insert(0, ("区分", "訓練"))
    return lines


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


def _writer(sheet):
    """``put(row, column, value)`` for one sheet: text kept as text, formulas neutralised."""
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def put(row: int, column: int, value, *, bold: bool = False, border: bool = False):
        cell = sheet.cell(row=row, column=column, value=safe_cell(value))
        if isinstance(value, str):
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)
        if border:
            cell.border = box
        return cell

    return put


def _head(put, view: SitrepView, title: str, name: str) -> int:
    put(1, 1, title)
    put(2, 1, name, bold=True)
    line = 3
    for label, value in title_lines(view):
        put(line, 1, label, bold=True)
        put(line, 2, value)
        line += 1
    return line + 1


def _remarks(put, view: SitrepView, line: int) -> None:
    put(line, 1, HQ_LABEL, bold=True)
    put(line, 2, view.headquarters or UNCONFIRMED)
    for key in REMARK_KEYS:
        line += 1
        put(line, 1, REMARK_LABELS[key], bold=True)
        put(line, 2, view.remarks.get(key, ""))


def report_xlsx(view: SitrepView) -> bytes:
    """The form as a workbook: その2 (title, head lines, then 区分 / 項目 / 単位 / 計 / per area)
    and その1 (災害概況即報: the summary rows, 本部 and remarks)."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"第{view.number}報"
    put = _writer(sheet)
    line = _head(put, view, FORM_TITLE, FORM_NAME)
    table = report_table(view)
    for column, name in enumerate(table.header, start=1):
        put(line, column, name, bold=True, border=True).alignment = Alignment(horizontal="center")
    for values in table.rows:
        line += 1
        for column, value in enumerate(values, start=1):
            put(line, column, value, border=True)
    _remarks(put, view, line + 2)
    for column, width in zip("ABCDEF", (16, 20, 6, 10, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width

    summary = book.create_sheet("その1")
    put = _writer(summary)
    line = _head(put, view, SUMMARY_TITLE, SUMMARY_NAME)
    for column, name in enumerate(("区分", "項目", "単位", "計", "計の注記"), start=1):
        put(line, column, name, bold=True, border=True)
    for row in ROWS:
        if not row.in_summary:
            continue
        value, _, partial = view.total[row.key]
        line += 1
        cells = (row.section, row.label, row.unit, value if value is not None else UNCONFIRMED)
        for column, cell in enumerate((*cells, PARTIAL if partial else ""), start=1):
            put(line, column, cell, border=True)
    _remarks(put, view, line + 2)
    for column, width in zip("ABCDE", (24, 20, 6, 10, 10), strict=True):
        summary.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_PAGE_CSS = """
@page { size: A4 portrait; margin: 12mm; }
body { font-family: "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Yu Gothic", sans-serif;
       font-size: 9pt; color: #000; }
h1 { font-size: 13pt; margin: 0 0 4pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #333; padding: 1pt 4pt; }
td.n { text-align: right; }
td.u { color: #a00; }
.changed { background: #fff3bf; }
.head td { border: none; }
"""


def report_html(view: SitrepView, *, changed: set[tuple[str, str]] | None = None) -> str:
    """A printable A4 page of the form (totals, their source); ``changed`` rows are marked."""
    esc = html.escape
    changed = changed or set()
    head = "".join(
        f"<tr><td><b>{esc(label)}</b></td><td>{esc(value)}</td></tr>"
        for label, value in title_lines(view)
    )
    body = []
    for row in ROWS:
        value, source, partial = view.total[row.key]
        mark = ' class="changed"' if ("total", row.key) in changed else ""
        note = f"（{PARTIAL}）" if partial else ""
        css = "n u" if value is None else "n"
        body.append(
            f"<tr{mark}><td>{esc(row.section)}</td><td>{esc(row.label)}</td>"
            f"<td>{esc(row.unit)}</td><td class='{css}'>{esc(value_text(value))}{note}</td>"
            f"<td>{esc(source_text(source))}</td></tr>"
        )
    remarks = "".join(
        f"<tr><td><b>{esc(REMARK_LABELS[k])}</b></td><td>{esc(view.remarks.get(k, ''))}</td></tr>"
        for k in REMARK_KEYS
    )
    return (
        "<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'>"
        f"<title>{esc(view.disaster_name)} 第{view.number}報</title><style>{_PAGE_CSS}</style>"
        f"</head><body><div>{esc(FORM_TITLE)}</div><h1>{esc(FORM_NAME)}</h1>"
        f"<table class='head'>{head}</table><br>"
        "<table><tr><th>区分</th><th>項目</th><th>単位</th><th>被害</th><th>出典</th></tr>"
        f"{''.join(body)}</table><br><table>"
        f"<tr><td><b>{esc(HQ_LABEL)}</b></td><td>{esc(view.headquarters or UNCONFIRMED)}</td></tr>"
        f"{remarks}</table></body></html>"
    )


def report_pdf(view: SitrepView) -> bytes:
    """The same A4 form as a PDF (reportlab, Japanese CID font, no font file needed)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    style = ParagraphStyle("ja", fontName=PDF_FONT, fontSize=8, leading=10)
    title = ParagraphStyle("title", parent=style, fontSize=13, leading=16)
    cells = [["区分", "項目", "単位", "被害", "出典"]]
    for row in ROWS:
        value, source, partial = view.total[row.key]
        text = value_text(value) + (f"（{PARTIAL}）" if partial else "")
        cells.append([row.section, row.label, row.unit, text, source_text(source)])
    table = Table(cells, colWidths=[30 * mm, 45 * mm, 12 * mm, 35 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), PDF_FONT, 7.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("ALIGN", (3, 1), (3, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    esc = html.escape  # Paragraph reads a little markup: user text must not be taken as tags
    story = [
        Paragraph(esc(FORM_TITLE), style),
        Paragraph(esc(FORM_NAME), title),
        *(Paragraph(f"{esc(label)}：{esc(value)}", style) for label, value in title_lines(view)),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 3 * mm),
        Paragraph(f"{esc(HQ_LABEL)}：{esc(view.headquarters or UNCONFIRMED)}", style),
        *(
            Paragraph(f"{esc(REMARK_LABELS[k])}：{esc(view.remarks.get(k, ''))}", style)
            for k in REMARK_KEYS
        ),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{view.disaster_name} 第{view.number}報",
    )
    doc.build(story)
    return buffer.getvalue()
