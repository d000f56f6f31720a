"""Parsing of form input typed on phones with a Japanese IME.

Officials type numbers in whatever mode the IME is in: full-width digits (３４．６９),
the IME's 。 and 、 for the period and comma keys, and the prolonged sound mark ー for
the minus key. These helpers accept all of that, and refuse anything ambiguous with an
``InputError`` whose ``reason`` names a message in ``INPUT_TEXTS``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from dashboard.errors import ValidationFailed

# Characters people type for a minus sign: hyphen-minus, minus sign (U+2212), dashes,
# and ー/－ which the Japanese IME produces for the minus key in full-width mode.
MINUS_SIGNS = "-\u2212\u2010\u2011\u2012\u2013\u2014\u2015\u30fc\uff0d\ufe63"
# The IME's period and comma keys in full-width mode give 。 and 、.
IME_PUNCTUATION = str.maketrans({"。": ".", "、": ","})
# Bounds of latitude and longitude in degrees (WGS 84).
LAT_RANGE = (-90.0, 90.0)
LON_RANGE = (-180.0, 180.0)

_MINUS_TABLE = str.maketrans(dict.fromkeys(MINUS_SIGNS, "-"))
# A plain decimal number: no exponent, no inf/nan, at least one digit.
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# "1,234" or "12,345.6": commas only as thousands groups, so "1,5" stays an error.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# Control characters other than tab and newline (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Hemisphere words: axis and sign. Latin letters and the Japanese 北緯/東経 forms.
HEMISPHERES: dict[str, tuple[str, int]] = {
    "N": ("lat", 1),
    "S": ("lat", -1),
    "E": ("lon", 1),
    "W": ("lon", -1),
    "北緯": ("lat", 1),
    "南緯": ("lat", -1),
    "東経": ("lon", 1),
    "西経": ("lon", -1),
}
_HEMI = "|".join(sorted(HEMISPHERES, key=len, reverse=True))
# A coordinate number must not run straight into another digit or period.
_NUM = r"[+-]?\d+(?:\.\d+)?(?![\d.])"
_DEG = r"(?:°|度)?"
_SEP = r"\s*[,/;]?\s*"
# "N34.69 E135.50", "北緯34.69 東経135.50": hemisphere before each number.
_PREFIX_COORDS = re.compile(
    rf"(?P<h1>{_HEMI})\s*(?P<n1>{_NUM})\s*{_DEG}{_SEP}(?P<h2>{_HEMI})\s*(?P<n2>{_NUM})\s*{_DEG}"
)
# "34.69, 135.50", "34.69 135.50", "34.69N 135.50E": hemisphere (optional) after each number.
_SUFFIX_COORDS = re.compile(
    rf"(?P<n1>{_NUM})\s*{_DEG}\s*(?P<h1>{_HEMI})?{_SEP}"
    rf"(?P<n2>{_NUM})\s*{_DEG}\s*(?P<h2>{_HEMI})?"
)

# User-facing messages for InputError reasons; {placeholders} are filled from params.
INPUT_TEXTS: dict[str, dict[str, str]] = {
    "input.required": {
        "ja": "入力してください（必須）",
        "en": "This field is required",
    },
    "input.not_a_number": {
        "ja": "数値で入力してください",
        "en": "Enter a number",
    },
    "input.not_whole": {
        "ja": "整数で入力してください",
        "en": "Enter a whole number",
    },
    "input.too_small": {
        "ja": "{minimum}以上の値を入力してください",
        "en": "Enter {minimum} or more",
    },
    "input.too_large": {
        "ja": "{maximum}以下の値を入力してください",
        "en": "Enter {maximum} or less",
    },
    "input.coordinates_format": {
        "ja": "緯度と経度を「34.6937, 135.5022」の形で入力してください",
        "en": "Enter latitude and longitude like “34.6937, 135.5022”",
    },
    "input.lat_range": {
        "ja": "緯度は{minimum}〜{maximum}の範囲で入力してください",
        "en": "Latitude must be between {minimum} and {maximum}",
    },
    "input.lon_range": {
        "ja": "経度は{minimum}〜{maximum}の範囲で入力してください",
        "en": "Longitude must be between {minimum} and {maximum}",
    },
    "input.control_chars": {
        "ja": "使えない文字（制御文字）が含まれています。取り除いてから入力してください",
        "en": "Contains characters that cannot be stored (control characters); remove them",
    },
    "input.invalid_value": {
        "ja": "保存できない値です。入力内容を確認してください",
        "en": "This value cannot be stored; please check what was entered",
    },
    "input.too_long": {
        "ja": "{max_len}文字以内で入力してください（現在{length}文字）",
        "en": "Use at most {max_len} characters (now {length})",
    },
}


T = TypeVar("T")


class InputError(ValueError):
    """A form value was refused; ``reason`` is a short key, ``params`` fill the message.

    ``key`` ("input.<reason>") names the text in INPUT_TEXTS, like ServiceError keys.
    """

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(f"{reason}: {params}" if params else reason)
        self.reason = reason
        self.key = f"input.{reason}"
        self.params = params

    def message(self, lang: str = "ja") -> str:
        """The user-facing text for this error in ``lang`` ("ja" or "en")."""
        shown = {name: _display(value) for name, value in self.params.items()}
        return INPUT_TEXTS[self.key][lang].format(**shown)


def normalize_number_text(s: str) -> str:
    """Turn what an official typed into plain ASCII number text.

    NFKC maps full-width digits and signs to ASCII; 。/、 become ./,; any minus-like
    character (including ー) becomes "-"; surrounding spaces go, and so does a space
    between the sign and the digits; thousands separators go when they group by three.
    The result may still not be a number; the parsers decide that.
    """
    text = unicodedata.normalize("NFKC", s).translate(IME_PUNCTUATION).translate(_MINUS_TABLE)
    text = re.sub(r"^([+-])\s+", r"\1", text.strip())
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    return text


def parse_int(s: str | None, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    """Parse a whole number such as a count of people; "3.0" is 3, "3.5" is refused."""
    number = _parse_decimal(s)
    if number != number.to_integral_value():
        raise InputError("not_whole")
    value = int(number)
    _check_bounds(value, minimum, maximum)
    return value


def parse_coordinates(text: str | None) -> tuple[float, float]:
    """Parse "lat, lon" in decimal degrees (WGS 84) and return ``(lat, lon)``.

    Accepts a comma, space, slash or semicolon between the numbers, full-width input,
    N/S/E/W after the numbers or before them ("N34.69 E135.50", "北緯34.69 東経135.50"),
    and the two in either order when both carry a hemisphere. Degrees-minutes-seconds
    are not accepted.
    """
    raw = _normalize_free_text(text)
    if not raw:
        raise InputError("required")
    compact = unicodedata.normalize("NFKC", raw).translate(IME_PUNCTUATION)
    compact = compact.translate(_MINUS_TABLE).upper().strip().strip("()").strip()
    match = _PREFIX_COORDS.fullmatch(compact) or _SUFFIX_COORDS.fullmatch(compact)
    if match is None:
        raise InputError("coordinates_format")
    first = _signed(match["n1"], match["h1"])
    second = _signed(match["n2"], match["h2"])
    axes = (_axis(match["h1"]), _axis(match["h2"]))
    if axes == ("lon", "lat"):
        first, second = second, first
    elif axes[0] == "lon" or axes[1] == "lat":
        raise InputError("coordinates_format")  # e.g. "135.5E, 34.6E" or "135.5E 34.6"
    lat, lon = first, second
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        raise InputError("lat_range", minimum=LAT_RANGE[0], maximum=LAT_RANGE[1], value=lat)
    if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        raise InputError("lon_range", minimum=LON_RANGE[0], maximum=LON_RANGE[1], value=lon)
    return lat, lon


def check_text(s: str | None, *, max_len: int, required: bool = False) -> str:
    """Return free text stripped and with control characters removed; check its length.

    The text itself is not NFKC-normalised: what the official wrote is kept as written.
    Line breaks become "\\n"; length counts characters, not bytes.
    """
    text = _normalize_free_text(s)
    if required and not text:
        raise InputError("required")
    if len(text) > max_len:
        raise InputError("too_long", max_len=max_len, length=len(text))
    return text


def strip_text(s: str | None) -> str:
    """Free text as it may be stored and shown: line breaks as "\\n", control characters (NUL
    included: PostgreSQL refuses it) and bidi overrides removed, surrounding space stripped.

    Length is the caller's to check (its limit and message are per field); ``clean_text`` does
    both for a field.
    """
    return _BIDI.sub("", _normalize_free_text(s)).strip()


def _normalize_free_text(s: str | None) -> str:
    if s is None:
        return ""
    text = s.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _parse_decimal(s: str | None) -> Decimal:
    if s is None or not s.strip():
        raise InputError("required")
    text = normalize_number_text(s)
    if not text:
        raise InputError("required")
    if not _DECIMAL.fullmatch(text):
        raise InputError("not_a_number")
    return Decimal(text)


def _check_bounds(value: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise InputError("too_small", minimum=minimum)
    if maximum is not None and value > maximum:
        raise InputError("too_large", maximum=maximum)


def _axis(hemisphere: str | None) -> str | None:
    return HEMISPHERES[hemisphere][0] if hemisphere else None


def _signed(number: str, hemisphere: str | None) -> float:
    value = float(number)
    if hemisphere is None:
        return value
    if value < 0:
        raise InputError("coordinates_format")  # "-34.6 S" could mean either sign
    return value * HEMISPHERES[hemisphere][1]


def _display(value: Any) -> Any:
    """Show 0.0 as 0 and 2.5 as 2.5 in messages."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- Whole forms -----------------------------------------------------------------------------


def parse_fields(
    raw: Mapping[str, str | None], parsers: Mapping[str, Callable[[str | None], T]]
) -> dict[str, T]:
    """Parse every field with its parser; raise one ``ValidationFailed`` naming all bad fields."""
    values: dict[str, T] = {}
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    for name, parse in parsers.items():
        try:
            values[name] = parse(raw.get(name))
        except InputError as exc:
            problems[name] = (exc.key, {k: _shown(v) for k, v in exc.params.items()})
    if problems:
        raise ValidationFailed(problems)
    return values


def _shown(value: object) -> object:
    """Show 180.0 as 180 in messages, as ``InputError.message`` does."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def optional(parse: Callable[[str | None], T]) -> Callable[[str | None], T | None]:
    """A parser that gives None for an empty field instead of "required"."""

    def parse_optional(text: str | None) -> T | None:
        return parse(text) if text is not None and text.strip() else None

    return parse_optional


# --- Free text outside the ward forms ---------------------------------------------------------

# Bidirectional controls (U+202A–U+202E, U+2066–U+2069, marks): they make text read differently
# from what is stored ("txt.exe" shown as "exe.txt"), so no free text keeps them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str | None, *, field: str, max_len: int, required: bool = False) -> str:
    """Free text as stored: NUL and other control characters and bidi overrides removed, line
    breaks as "\\n", stripped; refused (``InputError`` naming ``field``) when empty but required or
    longer than ``max_len`` characters. PostgreSQL refuses NUL, and every column has a length."""
    text = strip_text(value)
    if required and not text:
        raise InputError("required", field=field)
    if len(text) > max_len:
        raise InputError("too_long", field=field, max_len=max_len, length=len(text))
    return text


def clean_fields(values: Mapping[str, tuple[str | None, int, bool]]) -> dict[str, str]:
    """``clean_text`` for several fields, ``{field: (value, max_len, required)}``; one
    ``ValidationFailed`` naming every refused field."""
    return parse_fields(
        {name: value for name, (value, _, _) in values.items()},
        {
            name: (
                lambda v, n=name, m=max_len, r=req: clean_text(v, field=n, max_len=m, required=r)
            )
            for name, (_, max_len, req) in values.items()
        },
    )
