"""A situation report as data: the draft of the next 第N報 and an issued one have the same shape,
and an issued one is stored as this JSON and read back from it, never recomputed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Bumped when the JSON shape changes; reading keeps accepting older shapes.
# 2: the form (その1 / その2) and the 災害対策本部 entries.
SNAPSHOT_VERSION = 2
# The two forms of 第4号様式 a 第N報 is issued on: その1 災害概況即報 (the first, quick report)
# and その2 被害状況即報 (the figures). One numbering for both per disaster and body.
SUMMARY, DAMAGE = "summary", "damage"
FORMS = (SUMMARY, DAMAGE)


@dataclass(frozen=True)
class AreaFigures:
    """One ward of a municipality's report, or one municipality of the prefecture's."""

    code: str
    name: str
    # row key -> [value or None (未確認), source]; a municipality's line in the prefecture's
    # report adds whether its own total was partial.
    figures: dict[str, list]
    # Ward: "none" / "confirmed" / "stale". Municipality: "第N報" it was summed from, or "".
    status: str = ""
    status_at: datetime | None = None
    status_by: str | None = None


@dataclass(frozen=True)
class SitrepView:
    disaster_id: int
    disaster_name: str
    disaster_kind: str
    body_code: str
    body_name: str
    level: str  # "municipality" or "prefecture"
    number: int
    as_of: datetime
    areas: tuple[AreaFigures, ...]
    total: dict[str, list]  # row key -> [value or None, source, partial]
    headquarters: str = ""
    remarks: dict[str, str] = field(default_factory=dict)
    exercise: bool = False
    form: str = DAMAGE
    # 災害対策本部等の設置状況 as the form lists it: dicts of level (都道府県 / 市町村), name,
    # body (本部 name), set_up and dissolved (ISO times; dissolved None while in force).
    hq_entries: tuple[dict, ...] = ()
    disaster_started_at: datetime | None = None
    issued_at: datetime | None = None  # None: a draft
    issued_by: str | None = None
    id: int | None = None

    @property
    def issued(self) -> bool:
        return self.issued_at is not None

    def area(self, code: str) -> AreaFigures | None:
        return next((a for a in self.areas if a.code == code), None)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def to_json(view: SitrepView) -> dict[str, Any]:
    """The snapshot stored with an issued report (every figure, per area)."""
    return {
        "version": SNAPSHOT_VERSION,
        "disaster": {
            "id": view.disaster_id,
            "name": view.disaster_name,
            "kind": view.disaster_kind,
            "started_at": _time(view.disaster_started_at),
        },
        "body": {"code": view.body_code, "name": view.body_name, "level": view.level},
        "number": view.number,
        "as_of": _time(view.as_of),
        "areas": [
            {
                "code": a.code,
                "name": a.name,
                "figures": a.figures,
                "status": a.status,
                "status_at": _time(a.status_at),
                "status_by": a.status_by,
            }
            for a in view.areas
        ],
        "total": view.total,
        "headquarters": view.headquarters,
        "remarks": view.remarks,
        "exercise": view.exercise,
        "form": view.form,
        "hq_entries": list(view.hq_entries),
    }


def from_json(data: dict[str, Any], *, id: int, issued_at: datetime, issued_by: str) -> SitrepView:
    return SitrepView(
        disaster_id=data["disaster"]["id"],
        disaster_name=data["disaster"]["name"],
        disaster_kind=data["disaster"]["kind"],
        body_code=data["body"]["code"],
        body_name=data["body"]["name"],
        level=data["body"]["level"],
        number=data["number"],
        as_of=_parse(data["as_of"]),
        areas=tuple(
            AreaFigures(
                a["code"],
                a["name"],
                a["figures"],
                a.get("status", ""),
                _parse(a.get("status_at")),
                a.get("status_by"),
            )
            for a in data["areas"]
        ),
        total=data["total"],
        headquarters=data.get("headquarters", ""),
        remarks=data.get("remarks", {}),
        exercise=data.get("exercise", False),
        form=data.get("form", DAMAGE),
        hq_entries=tuple(data.get("hq_entries", ())),
        disaster_started_at=_parse(data["disaster"].get("started_at")),
        issued_at=issued_at,
        issued_by=issued_by,
        id=id,
    )


def changed_figures(previous: SitrepView | None, current: SitrepView) -> set[tuple[str, str]]:
    """(area code or "total", row key) whose value differs from the previous report; everything
    with a value when there is no previous report."""
    changed = set()
    for key, (value, *_) in current.total.items():
        before = previous.total.get(key, [None])[0] if previous else None
        if value != before:
            changed.add(("total", key))
    for area in current.areas:
        old = previous.area(area.code) if previous else None
        for key, (value, *_) in area.figures.items():
            before = old.figures.get(key, [None])[0] if old else None
            if value != before:
                changed.add((area.code, key))
    return changed
