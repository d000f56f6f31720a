"""The report's form as an A4 PDF: the same grid as the workbook (``form.blocks``), with a
Japanese font embedded so that an offline PC's reader shows it as printed.

The font is IPAex Gothic (IPAexゴシック, IPA Font License v1.0: embedding in a document is
allowed, and a reader of the document has no further obligation), installed from PyPI by the
``matplotlib-fontja`` package of the requirements. Its file is located without importing that
package (which would import matplotlib). reportlab's TTFont embeds the subset of the glyphs the
report uses; nothing is downloaded at run time.
"""

from __future__ import annotations

import html
import importlib.util
import io
from functools import cache
from pathlib import Path

from dashboard.services.sitreports.form import (
    COLUMNS,
    PARTIAL_NOTE,
    TITLES,
    UNCONFIRMED_NOTE,
    WIDTHS_MM,
    Line,
    blocks,
    head_lines,
)
from dashboard.services.sitreports.snapshot import SUMMARY, SitrepView

PDF_FONT = "IPAexGothic"
# Text sizes (pt) tried in turn until the form fits its pages.
FONT_SIZES = (7.0, 6.2, 5.4)
# reportlab's default left and right padding of a table cell (pt).
CELL_PADDING = 6
# A heading too long for its cell is broken after one of these (the end of a word), if it fits.
BREAK_AFTER = "の等法・）"
# The package shipping the font file, and the file inside it.
FONT_PACKAGE, FONT_FILE = "matplotlib_fontja", "fonts/ipaexg.ttf"


def font_path() -> Path:
    """IPAex Gothic's file from the installed package (a clear error when it is missing)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / FONT_FILE
        if path.exists():
            return path
    raise RuntimeError(f"{FONT_PACKAGE} is not installed: pip install -r requirements.txt")


@cache
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(PDF_FONT, str(font_path())))
    return PDF_FONT


def report_pdf(view: SitrepView, lines: list[Line] | None = None) -> bytes:
    """The report's form on A4, font embedded: その2 on two pages at most, その1 on one — long
    remarks are set smaller until they fit (the smallest size is kept if nothing fits)."""
    from dashboard.services.sitreports.outputs import form_lines

    lines = lines if lines is not None else form_lines(view)
    pages = 1 if view.form == SUMMARY else 2
    for size in FONT_SIZES:
        data, used = _build(view, lines, size)
        if used <= pages:
            break
    return data


def _heading(text: str, width: float, font: str, size: float) -> str:
    """A heading as Paragraph markup, broken after a word's end (``BREAK_AFTER``) rather than
    inside a word when it does not fit on one line: 「災害対策本部等の／設置状況」, not
    「…設／置状況」."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return html.escape(text)
    breaks = [i + 1 for i, char in enumerate(text) if char in BREAK_AFTER and i + 1 < len(text)]
    fitting = [i for i in breaks if stringWidth(text[:i], font, size) <= width]
    if not fitting:
        return html.escape(text)
    cut = fitting[-1]
    return f"{html.escape(text[:cut])}<br/>{html.escape(text[cut:])}"


def _build(view: SitrepView, lines: list[Line], size: float) -> tuple[bytes, int]:
    """(the PDF, its page count) with the grid's text at ``size`` points."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    esc = html.escape  # Paragraph reads a little markup: user text must not be taken as tags
    small = ParagraphStyle("ja", fontName=font, fontSize=size, leading=size * 1.2, wordWrap="CJK")
    right = ParagraphStyle("n", parent=small, alignment=2)
    centre = ParagraphStyle("u", parent=small, alignment=1)
    data: list[list[object]] = [list(COLUMNS)] + [[""] * len(COLUMNS) for _ in lines]
    style = [
        ("FONT", (0, 0), (-1, -1), font, size),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
    ]
    for block in blocks(lines):
        row = block.row + 1
        if block.kind == "text":
            data[row][block.col] = Paragraph(esc(block.text).replace("\n", "<br/>"), small)
        elif block.kind in ("figure", "unconfirmed") and lines[block.row].is_figure:
            data[row][block.col] = Paragraph(esc(block.text), right)
        elif block.kind == "unit":
            data[row][block.col] = Paragraph(esc(block.text), centre)
        else:
            width = sum(WIDTHS_MM[block.col : block.last_col + 1]) * mm - 2 * CELL_PADDING
            data[row][block.col] = Paragraph(_heading(block.text, width, font, size), small)
        if block.kind == "unconfirmed":
            style.append(("TEXTCOLOR", (block.col, row), (block.col, row), colors.darkred))
        if block.last_row > block.row or block.last_col > block.col:
            style.append(("SPAN", (block.col, row), (block.last_col, block.last_row + 1)))
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle(style))
    title, name = TITLES[view.form]
    heading = ParagraphStyle("title", parent=small, fontSize=13, leading=16)
    head = Table(
        [
            [Paragraph(esc(label), small), Paragraph(esc(value), small)]
            for label, value in head_lines(view)
        ],
        colWidths=[30 * mm, sum(WIDTHS_MM) * mm - 30 * mm],
    )
    head.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 7.5)]))
    notes = [UNCONFIRMED_NOTE] + ([PARTIAL_NOTE] if any(line.note for line in lines) else [])
    story = [
        Paragraph(esc(title), small),
        Paragraph(esc(name), heading),
        head,
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 1.5 * mm),
        *(Paragraph(esc(note), small) for note in notes),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"{view.disaster_name} 第{view.number}報",
    )
    doc.build(story)
    return buffer.getvalue(), doc.page
