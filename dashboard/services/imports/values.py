"""Reading the cells of a registry row the way a person reads them.

Flags are written 1, ○, 〇, ◯, TRUE or あり; numbers come with full-width digits and thousands
commas; 想定収容人数 is free text such as "810人（2平方メートルあたり1人）". A cell an export
neutralised for spreadsheets (a leading apostrophe before = + - @) reads back as it was.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Flag cells that mean yes / no (after NFKC and case folding).
TRUE_FLAGS = frozenset(
    {"1", "○", "〇", "◯", "◎", "●", "true", "yes", "y", "有", "あり", "可", "対象"}
)
FALSE_FLAGS = frozenset(
    {"", "0", "×", "✕", "-", "false", "no", "n", "無", "なし", "不可", "対象外"}
)
# Where a point in Japan can be (degrees), to tell a latitude from a longitude.
JAPAN_LAT = (20.0, 46.0)
JAPAN_LON = (122.0, 154.0)
# First characters that make a spreadsheet run a cell as a formula (OWASP "CSV injection"),
# full-width forms included (a Japanese IME types them): exports.safe_cell puts an apostrophe
# before them, and the import takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_LEADING_COUNT = re.compile(r"^\s*(?:約|最大)?\s*(\d[\d,]*)")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def clean(text: str | None) -> str:
    """The cell as text, trimmed, with an export's formula guard removed."""
    text = (text or "").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


@lru_cache(maxsize=1024)  # flag cells take a handful of distinct values
def parse_flag(text: str | None) -> bool | None:
    """True, False, or None for a cell that is neither (reported, read as not set)."""
    value = unicodedata.normalize("NFKC", clean(text)).strip().lower()
    # NFKC leaves the circles alone; the full-width digits and letters become ASCII.
    if value in TRUE_FLAGS:
        return True
    if value in FALSE_FLAGS:
        return False
    return None


def _ascii_number(text: str) -> str:
    value = unicodedata.normalize("NFKC", clean(text)).replace(",", "").replace(" ", "")
    return value.replace("ー", "-").replace("−", "-")


def parse_float(text: str | None) -> float | None:
    """A decimal number (full-width digits, commas accepted), None when empty or unreadable."""
    value = _ascii_number(text or "")
    return float(value) if _NUMBER.fullmatch(value) else None


def parse_capacity(text: str | None) -> tuple[int | None, bool]:
    """(people, readable): the leading count of a free-text capacity, None when empty/unreadable."""
    value = unicodedata.normalize("NFKC", clean(text))
    if not value:
        return None, True
    match = _LEADING_COUNT.match(value)
    if not match:
        return None, False
    return int(match.group(1).replace(",", "")), True


def in_japan(lat: float, lon: float) -> bool:
    return JAPAN_LAT[0] <= lat <= JAPAN_LAT[1] and JAPAN_LON[0] <= lon <= JAPAN_LON[1]


def fix_coordinates(lat: float, lon: float) -> tuple[float, float, bool] | None:
    """(lat, lon, swapped): the point as given, or swapped when only the swap lies in Japan;
    None when neither does."""
    if in_japan(lat, lon):
        return lat, lon, False
    if in_japan(lon, lat):
        return lon, lat, True
    return None
