"""Seismic intensities from JMA disaster-information XML (気象庁防災情報XML): 震度速報 (VXSE51) and
震源・震度に関する情報 (VXSE53), read from a file the crisis office has received.

VXSE53 lists municipalities (``City``, a 7-digit code whose first five digits are the JIS code,
e.g. 2712700 = 大阪市北区); 震度速報 only lists regions (``Area``), which have no JIS code, so
for it the prefecture's maximum is used — on the side of calling staff in. The XML is parsed
without any DOCTYPE (JMA's has none; refusing it rules out entity expansion).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dashboard.errors import ValidationFailed

# Namespace of the seismology body of JMA XML.
SEISMOLOGY_NS = "{http://xml.kishou.go.jp/jmaxml1/body/seismology1/}"
# Largest file accepted (real reports are a few hundred kilobytes).
MAX_BYTES = 5_000_000

# JMA seismic intensity classes (震度), weakest first; "5-" is 5弱, "5+" is 5強.
INTENSITIES = ("1", "2", "3", "4", "5-", "5+", "6-", "6+", "7")


def _invalid() -> ValidationFailed:
    return ValidationFailed({"intensity": ("rollcall.jma_invalid", {})})


def read_intensities(data: bytes) -> dict[str, str]:
    """JIS code → observed maximum intensity ("5-", "6+", …): municipalities and wards from
    ``City`` entries, prefectures (``27000``) from ``Pref`` entries."""
    if len(data) > MAX_BYTES or b"<!DOCTYPE" in data[:4096].upper():
        raise _invalid()
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise _invalid() from None
    found: dict[str, str] = {}

    def keep(code: str, value: str | None) -> None:
        if value in INTENSITIES and (
            code not in found or INTENSITIES.index(value) > INTENSITIES.index(found[code])
        ):
            found[code] = value

    for pref in root.iter(f"{SEISMOLOGY_NS}Pref"):
        code = (pref.findtext(f"{SEISMOLOGY_NS}Code") or "").strip()
        if len(code) == 2 and code.isdigit():
            keep(code + "000", (pref.findtext(f"{SEISMOLOGY_NS}MaxInt") or "").strip())
    for city in root.iter(f"{SEISMOLOGY_NS}City"):
        code = (city.findtext(f"{SEISMOLOGY_NS}Code") or "").strip()
        if len(code) == 7 and code.isdigit():
            keep(code[:5], (city.findtext(f"{SEISMOLOGY_NS}MaxInt") or "").strip())
    if not found:
        raise _invalid()
    return found


def intensity_for(found: dict[str, str], area_codes: set[str]) -> str | None:
    """The strongest intensity observed in an area (``area_codes``: the area and everything
    below it); the prefecture's maximum when the report names no municipality of the area."""
    inside = [found[c] for c in area_codes if c in found and not c.endswith("000")]
    if not inside:
        prefs = {c[:2] + "000" for c in area_codes}
        inside = [found[c] for c in prefs if c in found]
    return max(inside, key=INTENSITIES.index) if inside else None
