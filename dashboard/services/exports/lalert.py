"""Shelter status for the prefecture's system and Lアラート (避難所情報): every active shelter of
the actor's scope with the items of Lアラート's 避難所情報, as CSV and as the XML body of
the 公共情報コモンズ (Lアラート) 避難所情報, version 3 (namespace ``pcxml1/body/shelter3``;
element names as used by public implementations, e.g. LGDIS). The EDXL envelope
(distribution id, sender, revision) is the sending system's: the prefecture's system or
Lアラート's own input tool adds it.

Mappings (README "Lアラート"):

- 種別 (Type): designated 指定避難所, emergency_site 指定緊急避難場所, welfare 福祉避難所,
  adhoc 臨時避難所.
- 開設状況 (Sort): no status or 開設準備中 → 未開設; 開設 and 満員 → 開設; 閉鎖 → 閉鎖. The
  dashboard has no 常設 or 不明 state, so neither is produced.
- 混雑 (Status), for open shelters only, from the dashboard's crowding levels: 空き (< 50 %) →
  空き; やや混雑 (50–80 %) and 混雑 (80–100 %) → 混雑; 満 (≥ 100 % or state 満員) → 定員一杯;
  no capacity → 不明.
- 開設・閉鎖日時 (DateTime) is the time of the last STATUS change — when the shelter entered its
  current state (開設 and 満員 count as one: filling up is not a new opening) — never the time of
  an edit of its master data. A corrected name, address or capacity therefore never makes a
  shelter look newly opened downstream. 確認日時 (CheckedDateTime) is the latest status report.
- うち自主避難 (HeadCountVoluntary) is the optional count a shelter's status gives (part of
  its evacuees); a shelter that did not say has it empty/omitted (unknown), never 0, and the
  total is unknown when an open shelter did not say (like households). うち自主避難世帯数
  (HouseholdsVoluntary) is not recorded: always empty/omitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from sqlalchemy import Engine, select

from dashboard.domain import Actor, ShelterKind, ShelterState
from dashboard.services.areas import scope_codes
from dashboard.services.exports.cells import ExportTable
from dashboard.services.exports.shelters import crowding
from dashboard.services.modes import exercise_now
from dashboard.storage.db import reading
from dashboard.storage.models import Shelter, ShelterStatus
from dashboard.timefmt import local

NS = {
    "pcx_sh": "http://xml.publiccommons.ne.jp/pcxml1/body/shelter3",
    "pcx_eb": "http://xml.publiccommons.ne.jp/pcxml1/elementBasis3/",
    "commons": "http://xml.publiccommons.ne.jp/xml/edxl/",
    "edxlde": "urn:oasis:names:tc:emergency:EDXL:DE:1.0",
}
KIND_LABELS = {
    ShelterKind.DESIGNATED: "指定避難所",
    ShelterKind.EMERGENCY_SITE: "指定緊急避難場所",
    ShelterKind.WELFARE: "福祉避難所",
    ShelterKind.ADHOC: "臨時避難所",
}
NOT_OPEN, OPEN, CLOSED = "未開設", "開設", "閉鎖"
SORTS = {
    None: NOT_OPEN,
    ShelterState.PREPARING: NOT_OPEN,
    ShelterState.OPEN: OPEN,
    ShelterState.FULL: OPEN,
    ShelterState.CLOSED: CLOSED,
}
CROWDING_LABELS = {
    "free": "空き",
    "busy": "混雑",
    "crowded": "混雑",
    "full": "定員一杯",
    "unknown": "不明",
}
COLUMNS = (
    "名称",
    "名称（かな）",
    "所在地",
    "緯度",
    "経度",
    "種別",
    "開設状況",
    "開設・閉鎖日時",
    "収容人数",
    "混雑",
    "避難者数",
    "うち自主避難者数",
    "避難世帯数",
    "うち自主避難世帯数",
    "確認日時",
)
TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class LAlertShelter:
    name: str
    kana: str | None
    address: str | None
    lat: float
    lon: float
    kind: str  # 種別 label
    sort: str  # 開設状況
    changed_at: datetime | None  # 開設・閉鎖日時: when the current state began
    capacity: int | None
    status: str | None  # 混雑, open shelters only
    evacuees: int | None
    households: int | None
    voluntary: int | None  # うち自主避難 (people)
    checked_at: datetime | None


def _state_run_start(statuses: list[ShelterStatus]) -> datetime:
    """When the latest state began: the first report of the newest run of reports in the same
    開設状況 (開設 and 満員 are one run)."""
    sort = SORTS.get(statuses[-1].state, NOT_OPEN)
    start = statuses[-1].reported_at
    for status in reversed(statuses):
        if SORTS.get(status.state, NOT_OPEN) != sort:
            break
        start = status.reported_at
    return start


def shelter_states(engine: Engine, actor: Actor) -> list[LAlertShelter]:
    """Every active shelter of the actor's scope with its Lアラート items (drill data during a
    drill), in the registry's order."""
    with reading(engine) as session:
        exercise = exercise_now(session)
        stmt = select(Shelter).where(
            Shelter.active.is_(True), Shelter.ward_code.in_(scope_codes(session, actor))
        )
        if not exercise:
            stmt = stmt.where(Shelter.exercise.is_(False))
        shelters = list(session.scalars(stmt.order_by(Shelter.id)))
        history: dict[int, list[ShelterStatus]] = {}
        for status in session.scalars(
            select(ShelterStatus)
            .where(
                ShelterStatus.exercise == exercise,
                ShelterStatus.shelter_id.in_([s.id for s in shelters]),
            )
            .order_by(ShelterStatus.shelter_id, ShelterStatus.id)
        ):
            history.setdefault(status.shelter_id, []).append(status)
        found = []
        for shelter in shelters:
            statuses = history.get(shelter.id, [])
            latest = statuses[-1] if statuses else None
            sort = SORTS.get(latest.state if latest else None, NOT_OPEN)
            is_open = sort == OPEN
            found.append(
                LAlertShelter(
                    name=shelter.name,
                    kana=shelter.kana,
                    address=shelter.address,
                    lat=shelter.lat,
                    lon=shelter.lon,
                    kind=KIND_LABELS.get(shelter.kind, shelter.kind),
                    sort=sort,
                    changed_at=_state_run_start(statuses) if sort != NOT_OPEN else None,
                    capacity=shelter.capacity,
                    status=(
                        CROWDING_LABELS[crowding(latest.state, latest.evacuees, shelter.capacity)]
                        if is_open
                        else None
                    ),
                    evacuees=latest.evacuees if is_open else None,
                    households=latest.households if is_open else None,
                    voluntary=latest.voluntary_evacuees if is_open else None,
                    checked_at=latest.reported_at if latest else None,
                )
            )
    return found


def _time(value: datetime | None) -> str:
    return local(value).strftime(TIME_FORMAT) if value else ""


def _known_sum(values: list[int | None]) -> int | None:
    return None if None in values else sum(v for v in values if v is not None)


def totals(shelters: list[LAlertShelter]) -> tuple[int, int, int | None, int | None]:
    """(open shelters, evacuees, households, うち自主避難 — the last two None when an open
    shelter did not say)."""
    running = [s for s in shelters if s.sort == OPEN]
    return (
        len(running),
        sum(s.evacuees or 0 for s in running),
        _known_sum([s.households for s in running]),
        _known_sum([s.voluntary for s in running]),
    )


def lalert_table(engine: Engine, actor: Actor) -> ExportTable:
    """The CSV/xlsx form: one row per shelter, then the 計 row (open shelters, people,
    households; 不明 when a household count is missing)."""
    shelters = shelter_states(engine, actor)
    rows: list[list[object]] = [
        [
            s.name,
            s.kana or "",
            s.address or "",
            s.lat,
            s.lon,
            s.kind,
            s.sort,
            _time(s.changed_at),
            "" if s.capacity is None else s.capacity,
            s.status or "",
            "" if s.evacuees is None else s.evacuees,
            "" if s.voluntary is None else s.voluntary,
            "" if s.households is None else s.households,
            "",
            _time(s.checked_at),
        ]
        for s in shelters
    ]
    count, people, households, voluntary = totals(shelters)
    unknown = "不明"
    total = ["計", "", "", "", "", "", f"開設 {count}", "", "", "", people]
    total += [unknown if voluntary is None else voluntary]
    total += [unknown if households is None else households, "", ""]
    rows.append(total)
    points = [(s.lat, s.lon) for s in shelters] + [None]
    return ExportTable("lalert_shelters", list(COLUMNS), rows, points)


def _qualified(tag: str) -> str:
    prefix, _, name = tag.partition(":")
    return f"{{{NS[prefix]}}}{name}"


def _add(parent: ET.Element, tag: str, text: object | None = None, **attrs) -> ET.Element:
    qualified = {_qualified(f"pcx_sh:{k}"): v for k, v in attrs.items()}
    element = ET.SubElement(parent, _qualified(tag), qualified)
    if text is not None:
        element.text = str(text)
    return element


def lalert_xml(engine: Engine, actor: Actor, *, disaster_name: str | None = None) -> bytes:
    """The 避難所情報 body (``pcx_sh:Shelter``) in Lアラート's element names (UTF-8)."""
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    shelters = shelter_states(engine, actor)
    root = ET.Element(_qualified("pcx_sh:Shelter"))
    if disaster_name:
        _add(_add(root, "pcx_eb:Disaster"), "pcx_eb:DisasterName", disaster_name)
    count, people, households, voluntary = totals(shelters)
    total = _add(root, "pcx_sh:TotalNumber")
    _add(total, "pcx_sh:HeadCount", people)
    if voluntary is not None:
        _add(total, "pcx_sh:HeadCountVoluntary", voluntary)
    if households is not None:
        _add(total, "pcx_sh:Households", households, unit="世帯")
    _add(root, "pcx_sh:TotalNumberOfShelter", count)
    informations = _add(root, "pcx_sh:Informations")
    for s in shelters:
        info = _add(informations, "pcx_sh:Information")
        location = _add(info, "pcx_sh:Location")
        _add(location, "commons:areaName", s.name)
        if s.kana:
            _add(location, "commons:areaNameKana", s.kana)
        if s.address:
            _add(location, "pcx_sh:Address", s.address)
        _add(location, "edxlde:circle", f"{s.lat:.6f},{s.lon:.6f} 0")
        _add(info, "pcx_sh:Type", s.kind)
        _add(info, "pcx_sh:Sort", s.sort)
        if s.changed_at:
            _add(info, "pcx_sh:DateTime", local(s.changed_at).isoformat(timespec="seconds"))
        if s.capacity is not None:
            _add(info, "pcx_sh:Capacity", s.capacity)
        if s.status:
            _add(info, "pcx_sh:Status", s.status)
        if s.evacuees is not None:
            number = _add(info, "pcx_sh:NumberOf")
            _add(number, "pcx_sh:HeadCount", s.evacuees)
            if s.voluntary is not None:
                _add(number, "pcx_sh:HeadCountVoluntary", s.voluntary)
            if s.households is not None:
                _add(number, "pcx_sh:Households", s.households, unit="世帯")
        if s.checked_at:
            checked = local(s.checked_at).isoformat(timespec="seconds")
            _add(info, "pcx_sh:CheckedDateTime", checked)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
