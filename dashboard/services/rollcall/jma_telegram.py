"""One JMA earthquake telegram (気象庁防災情報XML) read as JMA means it.

The layout (技術資料, 地震火山関連 解説資料): ``Report`` in ``jmaxml1/`` holds ``Control``
(``Title``, ``DateTime``, ``Status`` 通常/訓練/試験), ``Head`` in ``informationBasis1/`` (``Title``,
``ReportDateTime``, ``TargetDateTime``, ``EventID``, ``InfoType`` 発表/訂正/取消, ``Serial`` —
empty for 震度速報 —, ``Headline/Text`` with full-width digits) and ``Body`` in
``body/seismology1/``: ``Earthquake`` (``OriginTime``, ``Hypocenter/Area/Name``) and
``Intensity/Observation`` with ``MaxInt`` and ``Pref`` → ``Area`` (地震情報／細分区域, 3 digits)
→ ``City`` (7 digits: JIS code + 2) → ``IntensityStation``. 震度速報 (VXSE51) stops at ``Area``;
震源・震度に関する情報 (VXSE53) and 各地の震度に関する情報 (VXSE52's successor) go down to
``City``. A 取消 carries no intensities. No DOCTYPE is accepted (JMA's has none).
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime

from dashboard.errors import ValidationFailed

NS_REPORT = "{http://xml.kishou.go.jp/jmaxml1/}"
NS_HEAD = "{http://xml.kishou.go.jp/jmaxml1/informationBasis1/}"
NS_SEIS = "{http://xml.kishou.go.jp/jmaxml1/body/seismology1/}"
# Largest telegram accepted (a 各地の震度 of a great earthquake is a few hundred kilobytes).
MAX_BYTES = 5_000_000
# JMA seismic intensity classes (震度), weakest first; "5-" is 5弱, "5+" is 5強.
INTENSITIES = ("1", "2", "3", "4", "5-", "5+", "6-", "6+", "7")
# Control/Status values and Head/InfoType values JMA uses.
STATUSES = ("通常", "訓練", "試験")
INFO_TYPES = ("発表", "訂正", "取消")
# Control/Title of the telegrams that carry seismic intensities.
INTENSITY_TITLES = ("震度速報", "震源・震度に関する情報", "各地の震度に関する情報")


@dataclass(frozen=True)
class Telegram:
    status: str
    info_type: str
    title: str
    event_id: str
    serial: int | None
    report_at: datetime | None
    origin_at: datetime | None
    headline: str
    hypocenter: str | None
    max_int: str | None
    # Strongest intensity per prefecture (2 digits), 細分区域 (3 digits), municipality (7 digits).
    prefs: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    area_names: dict[str, str] = field(default_factory=dict)
    cities: dict[str, str] = field(default_factory=dict)

    @property
    def has_cities(self) -> bool:
        """Whether the telegram names municipalities (then they, not regions, decide)."""
        return bool(self.cities)


def invalid() -> ValidationFailed:
    return ValidationFailed({"intensity": ("rollcall.jma_invalid", {})})


def _text(node: ET.Element | None, path: str) -> str:
    if node is None:
        return ""
    return unicodedata.normalize("NFKC", (node.findtext(path) or "")).strip()


def _time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _serial(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def stronger(a: str | None, b: str | None) -> str | None:
    """The stronger of two intensities (None is weaker than any)."""
    if a not in INTENSITIES:
        return b if b in INTENSITIES else None
    if b not in INTENSITIES:
        return a
    return a if INTENSITIES.index(a) >= INTENSITIES.index(b) else b


def _keep(found: dict[str, str], code: str, value: str) -> None:
    if value in INTENSITIES:
        found[code] = stronger(found.get(code), value) or value


def parse_telegram(data: bytes) -> Telegram:
    """The telegram's control, head and intensities; ``ValidationFailed`` when it is not one."""
    if len(data) > MAX_BYTES or b"<!DOCTYPE" in data[:4096].upper():
        raise invalid()
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise invalid() from None
    if root.tag != f"{NS_REPORT}Report":
        raise invalid()
    control = root.find(f"{NS_REPORT}Control")
    head = root.find(f"{NS_HEAD}Head")
    status, info_type = _text(control, f"{NS_REPORT}Status"), _text(head, f"{NS_HEAD}InfoType")
    event_id = _text(head, f"{NS_HEAD}EventID")
    title = _text(control, f"{NS_REPORT}Title") or _text(head, f"{NS_HEAD}Title")
    if status not in STATUSES or info_type not in INFO_TYPES or not event_id:
        raise invalid()
    body = root.find(f"{NS_SEIS}Body")
    quake = body.find(f"{NS_SEIS}Earthquake") if body is not None else None
    observation = None
    if body is not None:
        observation = body.find(f"{NS_SEIS}Intensity/{NS_SEIS}Observation")
    prefs: dict[str, str] = {}
    areas: dict[str, str] = {}
    names: dict[str, str] = {}
    cities: dict[str, str] = {}
    if observation is not None:
        for pref in observation.iter(f"{NS_SEIS}Pref"):
            code = _text(pref, f"{NS_SEIS}Code")
            _keep(prefs, code, _text(pref, f"{NS_SEIS}MaxInt"))
            for area in pref.iter(f"{NS_SEIS}Area"):
                area_code = _text(area, f"{NS_SEIS}Code")
                names[area_code] = _text(area, f"{NS_SEIS}Name")
                _keep(areas, area_code, _text(area, f"{NS_SEIS}MaxInt"))
                for city in area.iter(f"{NS_SEIS}City"):
                    city_code = _text(city, f"{NS_SEIS}Code")
                    if len(city_code) == 7 and city_code.isdigit():
                        _keep(cities, city_code, _text(city, f"{NS_SEIS}MaxInt"))
    max_int = _text(observation, f"{NS_SEIS}MaxInt") or None
    if max_int not in INTENSITIES:
        max_int = None
        for value in (*prefs.values(), *areas.values()):
            max_int = stronger(max_int, value)
    if info_type != "取消" and title in INTENSITY_TITLES and not (prefs or areas):
        raise invalid()
    origin = _time(_text(quake, f"{NS_SEIS}OriginTime")) or _time(
        _text(head, f"{NS_HEAD}TargetDateTime")
    )
    return Telegram(
        status=status,
        info_type=info_type,
        title=title,
        event_id=event_id[:64],
        serial=_serial(_text(head, f"{NS_HEAD}Serial")),
        report_at=_time(_text(head, f"{NS_HEAD}ReportDateTime")),
        origin_at=origin,
        headline=_text(head, f"{NS_HEAD}Headline/{NS_HEAD}Text"),
        hypocenter=_text(quake, f"{NS_SEIS}Hypocenter/{NS_SEIS}Area/{NS_SEIS}Name") or None,
        max_int=max_int,
        prefs=prefs,
        areas=areas,
        area_names=names,
        cities=cities,
    )
