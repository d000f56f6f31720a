"""Disaster records (災害): a name such as 「令和8年台風第10号」, a kind, a start, an area.

Declarations, directives, damage reports and shelter status fall under a disaster by time window
(start to end, or now) and area (the disaster's area and everything below it); nothing is
re-labelled, so a record made before the disaster was entered still falls under it. A disaster
entered during a drill is an exercise disaster and only drill views show it. The prefecture sets
the reporting times of its numbered situation reports (every N hours, or fixed clock times).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, SYSTEM, Actor, Level
from dashboard.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from dashboard.services.areas import area_tree, require_in_scope, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import clean_fields
from dashboard.services.modes.drills import exercise_now
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Disaster, Jurisdiction, utcnow

# Kinds of disaster, in the order forms offer them (labels: texts "disaster_kind.<key>").
DISASTER_KINDS = (
    "typhoon",
    "heavy_rain",
    "earthquake",
    "tsunami",
    "flood",
    "landslide",
    "snow",
    "volcano",
    "fire",
    "other",
)
# Longest disaster name accepted (災害名).
DISASTER_NAME_MAX = 200
# Longest reporting interval the prefecture may set, in hours.
MAX_EVERY_HOURS = 48
# An earthquake telegram joins an open earthquake disaster of its area started this recently
# (aftershocks, a second strong shock) instead of opening another.
QUAKE_JOIN_WINDOW = timedelta(days=3)
# A start time this far ahead of the server's clock is still taken (clocks differ a little).
START_SKEW = timedelta(minutes=5)
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


@dataclass(frozen=True)
class DisasterView:
    id: int
    name: str
    kind: str
    area_code: str
    started_at: datetime
    ended_at: datetime | None
    report_every_hours: int | None
    report_times: tuple[str, ...]
    exercise: bool
    # 覚知 (an earthquake's first JMA telegram): the first report is due 30 minutes after it.
    known_at: datetime | None = None


def _view(d: Disaster) -> DisasterView:
    return DisasterView(
        d.id,
        d.name,
        d.kind,
        d.area_code,
        d.started_at,
        d.ended_at,
        d.report_every_hours,
        tuple(d.report_times or ()),
        d.exercise,
        d.known_at,
    )


def record_disaster(
    engine: Engine,
    actor: Actor,
    *,
    name: str,
    kind: str,
    area_code: str,
    started_at: datetime | None = None,
    same_name_confirmed: bool = False,
    now: datetime | None = None,
) -> int:
    """Enter a disaster for a city or the prefecture of the actor's scope; returns its id.

    ``started_at`` (default now, never in the future) starts its window: what was reported from
    then on counts for it, also before it was entered. A second open disaster of the same name
    in the same area is refused unless ``same_name_confirmed``."""
    require_role(actor, COMMAND_ROLES)
    name = clean_fields({"name": (name, DISASTER_NAME_MAX, True)})["name"]
    if kind not in DISASTER_KINDS:
        raise ValidationFailed({"kind": ("sitrep.kind_invalid", {})})
    now = now or utcnow()
    started_at = started_at or now
    if started_at > now + START_SKEW:
        raise ValidationFailed({"started_at": ("first30.start_in_future", {})})
    with transaction(engine) as session:
        require_in_scope(session, actor, [area_code])
        area = session.get(Jurisdiction, area_code)
        if area is None or area.level == Level.WARD.value:
            raise NotFound()
        exercise = exercise_now(session)
        twin = session.scalar(
            select(Disaster.id).where(
                Disaster.name == name,
                Disaster.area_code == area_code,
                Disaster.exercise == exercise,
                Disaster.ended_at.is_(None),
            )
        )
        if twin is not None and not same_name_confirmed:
            raise Conflict("first30.same_name")
        disaster = Disaster(
            name=name,
            kind=kind,
            area_code=area_code,
            started_at=started_at,
            exercise=exercise,
            created_by_id=actor.user_id,
        )
        session.add(disaster)
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.DISASTER_RECORDED,
            entity="disaster",
            entity_id=disaster.id,
            exercise=exercise,
            detail={"name": name, "kind": kind, "area": area_code},
        )
        return disaster.id


def close_disaster(
    engine: Engine, actor: Actor, disaster_id: int, *, at: datetime | None = None
) -> None:
    """End a disaster (its window closes: later data no longer falls under it, no report is
    due any more). Only command staff whose scope holds the disaster's area."""
    require_role(actor, COMMAND_ROLES)
    at = at or utcnow()
    with transaction(engine) as session:
        disaster = get_disaster(session, actor, disaster_id)
        require_in_scope(session, actor, [disaster.area_code])
        row = session.get(Disaster, disaster.id)
        if row.ended_at is not None:
            return
        row.ended_at = max(at, row.started_at)
        record_audit(
            session,
            actor,
            AuditAction.DISASTER_CLOSED,
            entity="disaster",
            entity_id=disaster.id,
            exercise=row.exercise,
            at=at,
        )


def parse_report_times(text: str | None) -> tuple[str, ...]:
    """Clock times as typed ("9:00, 15:00" or full-width) → sorted ("09:00", "15:00")."""
    times = set()
    for part in re.split(r"[,、，\s]+", (text or "").strip()):
        if not part:
            continue
        match = _CLOCK.match(part.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        if match is None:
            raise ValidationFailed({"times": ("sitrep.times_invalid", {"value": part})})
        times.add(f"{int(match.group(1)):02d}:{match.group(2)}")
    return tuple(sorted(times))


def set_report_times(
    engine: Engine,
    actor: Actor,
    disaster_id: int,
    *,
    every_hours: int | None,
    times: Sequence[str] = (),
) -> None:
    """The prefecture sets when municipalities report: every ``every_hours`` hours from the
    disaster's start and/or at the clock ``times`` (Japan time) each day."""
    require_role(actor, COMMAND_ROLES)
    if every_hours is not None and every_hours < 1:
        raise ValidationFailed({"every_hours": ("input.too_small", {"minimum": 1})})
    if every_hours is not None and every_hours > MAX_EVERY_HOURS:
        raise ValidationFailed({"every_hours": ("input.too_large", {"maximum": MAX_EVERY_HOURS})})
    times = parse_report_times(", ".join(times))
    with transaction(engine) as session:
        home = area_tree(session).levels.get(actor.jurisdiction_code)
        if home != Level.PREFECTURE.value and actor is not SYSTEM:
            raise PermissionDenied("sitrep.prefecture_only")
        disaster = get_disaster(session, actor, disaster_id)
        row = session.get(Disaster, disaster.id)
        row.report_every_hours, row.report_times = every_hours, list(times)
        record_audit(
            session,
            actor,
            AuditAction.REPORT_TIMES_SET,
            entity="disaster",
            entity_id=disaster_id,
            exercise=row.exercise,
            detail={"every_hours": every_hours, "times": list(times)},
        )


def get_disaster(session: Session, actor: Actor, disaster_id: int) -> DisasterView:
    """One disaster of the current mode that concerns the actor's area (covers it or lies in it)."""
    disaster = session.get(Disaster, disaster_id)
    if disaster is None or disaster.exercise != exercise_now(session):
        raise NotFound()
    if not _concerns(session, actor, disaster.area_code):
        raise NotFound()
    return _view(disaster)


def _concerns(session: Session, actor: Actor, area_code: str) -> bool:
    scope = scope_codes(session, actor)
    above = set(area_tree(session).ancestors(actor.jurisdiction_code))
    return area_code in scope or area_code in above


def list_disasters(engine: Engine, actor: Actor) -> list[DisasterView]:
    """Disasters of the current mode (real, or the drill's) that concern the actor, newest first."""
    with reading(engine) as session:
        rows = session.scalars(
            select(Disaster)
            .where(Disaster.exercise == exercise_now(session))
            .order_by(Disaster.started_at.desc(), Disaster.id.desc())
        )
        return [_view(d) for d in rows if _concerns(session, actor, d.area_code)]


def disaster_window(
    session: Session, actor: Actor, disaster_id: int
) -> tuple[datetime, datetime | None, frozenset[str]]:
    """(start, end or None, area codes) of a disaster: what falls under it."""
    disaster = get_disaster(session, actor, disaster_id)
    return disaster.started_at, disaster.ended_at, area_tree(session).subtree(disaster.area_code)


def open_quake_disaster(
    session: Session,
    *,
    name: str,
    area_code: str,
    started_at: datetime,
    known_at: datetime,
    exercise: bool,
) -> tuple[int, bool]:
    """In the caller's transaction: the earthquake disaster a JMA telegram falls under, joined
    (an open one of the area and mode started within ``QUAKE_JOIN_WINDOW``) or opened;
    (id, opened)."""
    joined = session.scalars(
        select(Disaster)
        .where(
            Disaster.kind == "earthquake",
            Disaster.area_code == area_code,
            Disaster.exercise == exercise,
            Disaster.ended_at.is_(None),
            Disaster.started_at >= started_at - QUAKE_JOIN_WINDOW,
        )
        .order_by(Disaster.started_at.desc())
    ).first()
    if joined is not None:
        return joined.id, False
    disaster = Disaster(
        name=name[:DISASTER_NAME_MAX],
        kind="earthquake",
        area_code=area_code,
        started_at=started_at,
        known_at=known_at,
        exercise=exercise,
    )
    session.add(disaster)
    session.flush()
    record_audit(
        session,
        SYSTEM,
        AuditAction.DISASTER_RECORDED,
        entity="disaster",
        entity_id=disaster.id,
        exercise=exercise,
        detail={"name": disaster.name, "kind": "earthquake", "area": area_code, "jma": True},
        at=known_at,
    )
    return disaster.id, True
