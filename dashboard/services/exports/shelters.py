"""Shelter exports: the registry in a GSI / デジタル庁 layout (so that it re-imports unchanged),
optionally with the latest status appended, and the table of running shelters.

Only shelters in the actor's scope are written; during a drill the status is the drill's.
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor, ShelterState
from dashboard.i18n import translate
from dashboard.services.areas import scope_codes
from dashboard.services.exports.cells import ExportTable
from dashboard.services.imports import LAYOUTS, STATUS_COLUMNS, parse_capacity
from dashboard.services.modes import exercise_now
from dashboard.services.shelters import RUNNING_STATES, latest_status_ids, query_shelters
from dashboard.storage.db import reading
from dashboard.storage.models import Jurisdiction, Shelter, ShelterStatus
from dashboard.timefmt import local

# Weights of the check digit of a 6-digit local government code (総務省).
CHECK_WEIGHTS = (6, 5, 4, 3, 2)
# Crowding of a running shelter: (share of capacity below which it applies, key), in order.
CROWDING = ((0.5, "free"), (0.8, "busy"), (1.0, "crowded"))
TIME_FORMAT = "%Y-%m-%d %H:%M"


def code_with_check_digit(code: str) -> str:
    """ "27127" -> "271276" (the 6-digit form the デジタル庁 datasets use)."""
    weighted = sum(int(d) * w for d, w in zip(code[:5], CHECK_WEIGHTS, strict=True))
    return code[:5] + str((11 - weighted % 11) % 10)


def _names(session: Session) -> dict[str, tuple[str, str | None]]:
    rows = session.execute(
        select(Jurisdiction.code, Jurisdiction.name_ja, Jurisdiction.parent_code)
    )
    return {code: (name, parent) for code, name, parent in rows}


def _field_value(fields: dict[str, str], column: str, shelter: Shelter, names: dict) -> object:
    kept = shelter.attributes or {}
    match fields.get(column):
        case "id":
            return shelter.registry_id or shelter.external_id or str(shelter.id)
        case "name" | "kana" | "address" | "lat" | "lon" as name:
            return getattr(shelter, name) or ""
        case "capacity":
            raw = kept.get(column, "")
            if parse_capacity(raw)[0] == shelter.capacity:
                return raw
            return "" if shelter.capacity is None else shelter.capacity
        case "municipality_code" if column not in kept:
            code = shelter.municipality_code or ""
            return code_with_check_digit(code) if len(code) == 5 else code
        case "municipality_name" if column not in kept:
            city, parent = names.get(shelter.municipality_code or "", ("", None))
            return names.get(parent, ("", None))[0] + city
    return kept.get(column, "")


def registry_table(
    engine: Engine, actor: Actor, *, layout_key: str, with_status: bool = False
) -> ExportTable:
    """The actor's shelters of the layout's kind, one row each, in the layout's columns."""
    layout = LAYOUTS[layout_key]
    with reading(engine) as session:
        exercise = exercise_now(session)
        latest = latest_status_ids(exercise)
        stmt = (
            select(Shelter, ShelterStatus)
            .outerjoin(latest, latest.c.shelter_id == Shelter.id)
            .outerjoin(ShelterStatus, ShelterStatus.id == latest.c.status_id)
            .where(
                Shelter.active.is_(True),
                Shelter.kind == layout.kind,
                Shelter.ward_code.in_(scope_codes(session, actor)),
            )
            .order_by(Shelter.id)  # a fresh import keeps the file's order
        )
        if not exercise:
            stmt = stmt.where(Shelter.exercise.is_(False))
        names = _names(session)
        found = session.execute(stmt).all()
    hazard_columns = {c: h for h, c in layout.hazards.items()}
    fields = {c: f for f, c in layout.fields.items()}
    rows, points = [], []
    for number, (shelter, status) in enumerate(found, start=1):
        row: list[object] = []
        for column in layout.columns:
            if column == layout.fields.get("row_no"):
                row.append(number)
            elif column in hazard_columns:
                row.append(1 if hazard_columns[column] in shelter.hazards else "")
            else:
                row.append(_field_value(fields, column, shelter, names))
        if with_status:
            row += _status_cells(status)
        rows.append(row)
        points.append((shelter.lat, shelter.lon))
    header = [*layout.columns, *(STATUS_COLUMNS if with_status else ())]
    return ExportTable(layout_key, header, rows, points, meta={"layout": layout_key})


def _status_cells(status: ShelterStatus | None) -> list[object]:
    if status is None:
        return [translate("shelter_state.none", "ja"), "", "", ""]
    return [
        translate(f"shelter_state.{status.state}", "ja"),
        status.evacuees,
        "" if status.households is None else status.households,
        local(status.reported_at).strftime(TIME_FORMAT),
    ]


def crowding(state: str | None, evacuees: int, capacity: int | None) -> str:
    """空き / やや混雑 / 混雑 / 満 as a key; "unknown" without a capacity (never free or full)."""
    if state == ShelterState.FULL:
        return "full"
    if capacity is None or capacity <= 0:
        return "unknown"
    share = evacuees / capacity
    return next((key for limit, key in CROWDING if share < limit), "full")


def status_table(engine: Engine, actor: Actor, *, lang: str = "ja") -> ExportTable:
    """The running shelters of the actor's scope: state, evacuees, households, crowding, time."""
    with reading(engine) as session:
        views = query_shelters(
            session, codes=scope_codes(session, actor), exercise=exercise_now(session)
        )
        names = {code: name for code, (name, _) in _names(session).items()}
    running = [v for v in views if v.state in RUNNING_STATES]
    keys = ("ward", "name", "state", "evacuees", "households", "capacity", "crowding")
    header = [translate(f"export.col.{k}", lang) for k in (*keys, "reported_at")]
    rows = [
        [
            names.get(v.ward_code, v.ward_code),
            v.name,
            translate(f"shelter_state.{v.state}", lang),
            v.evacuees,
            "" if v.households is None else v.households,
            translate("export.capacity.unknown", lang) if v.capacity is None else v.capacity,
            translate(f"export.crowding.{crowding(v.state, v.evacuees, v.capacity)}", lang),
            local(v.updated_at).strftime(TIME_FORMAT) if v.updated_at else "",
        ]
        for v in running
    ]
    points = [(v.lat, v.lon) for v in running]
    return ExportTable("shelter_status", header, rows, points)
