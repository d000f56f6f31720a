"""Shelters: master data and their live status (append-only status rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.domain import Need, ShelterState
from dashboard.services.access import Actor, require_in_scope, require_reporter, scope_codes
from dashboard.services.audit import record_audit
from dashboard.services.drills import exercise_now
from dashboard.services.errors import NotFound, ValidationFailed
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Shelter, ShelterStatus, utcnow


@dataclass(frozen=True)
class ShelterView:
    """A shelter with its latest reported status (None fields when never reported)."""

    id: int
    name: str
    kana: str | None
    address: str | None
    ward_code: str
    kind: str
    capacity: int
    lat: float
    lon: float
    state: str | None
    evacuees: int
    households: int | None
    needs: tuple[str, ...]
    note: str | None
    status_id: int | None
    updated_at: datetime | None


def latest_status_ids(exercise: bool):
    """Subquery: the newest status row id per shelter, for real or drill data."""
    return (
        select(ShelterStatus.shelter_id, func.max(ShelterStatus.id).label("status_id"))
        .where(ShelterStatus.exercise == exercise)
        .group_by(ShelterStatus.shelter_id)
        .subquery()
    )


def query_shelters(
    session: Session,
    *,
    codes: frozenset[str],
    exercise: bool,
    ward_code: str | None = None,
    search: str | None = None,
) -> list[ShelterView]:
    latest = latest_status_ids(exercise)
    stmt = (
        select(Shelter, ShelterStatus)
        .outerjoin(latest, latest.c.shelter_id == Shelter.id)
        .outerjoin(ShelterStatus, ShelterStatus.id == latest.c.status_id)
        .where(Shelter.active.is_(True), Shelter.ward_code.in_(codes))
        .order_by(Shelter.ward_code, Shelter.name)
    )
    # Ad-hoc shelters opened during a drill exist only in the drill.
    if not exercise:
        stmt = stmt.where(Shelter.exercise.is_(False))
    if ward_code:
        stmt = stmt.where(Shelter.ward_code == ward_code)
    if search:
        pattern = f"%{search.strip()}%"
        stmt = stmt.where(Shelter.name.ilike(pattern) | Shelter.kana.ilike(pattern))
    return [_view(shelter, status) for shelter, status in session.execute(stmt)]


def _view(shelter: Shelter, status: ShelterStatus | None) -> ShelterView:
    return ShelterView(
        id=shelter.id,
        name=shelter.name,
        kana=shelter.kana,
        address=shelter.address,
        ward_code=shelter.ward_code,
        kind=shelter.kind,
        capacity=shelter.capacity,
        lat=shelter.lat,
        lon=shelter.lon,
        state=status.state if status else None,
        evacuees=status.evacuees if status else 0,
        households=status.households if status else None,
        needs=tuple(status.needs) if status else (),
        note=status.note if status else None,
        status_id=status.id if status else None,
        updated_at=status.reported_at if status else None,
    )


def list_shelters(
    engine: Engine, actor: Actor, *, ward_code: str | None = None, search: str | None = None
) -> list[ShelterView]:
    """Shelters the actor may see, with their latest status,
    optionally of one ward or matching a name."""
    with reading(engine) as session:
        codes = scope_codes(session, actor)
        return query_shelters(
            session, codes=codes, exercise=exercise_now(session), ward_code=ward_code, search=search
        )


def record_status(
    engine: Engine,
    actor: Actor,
    *,
    shelter_id: int,
    submission_id: str,
    state: str,
    evacuees: int,
    households: int | None = None,
    needs: tuple[str, ...] = (),
    note: str | None = None,
    at: datetime | None = None,
) -> int:
    """Append a status report for one shelter of the actor's scope; returns the status row id.

    Idempotent: the same ``submission_id`` stores one row, however often it is sent.
    """
    require_reporter(actor)
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    if state not in set(ShelterState):
        problems["state"] = ("shelter.state_invalid", {})
    if evacuees < 0:
        problems["evacuees"] = ("input.too_small", {"minimum": 0})
    if households is not None and households < 0:
        problems["households"] = ("input.too_small", {"minimum": 0})
    if any(need not in set(Need) for need in needs):
        problems["needs"] = ("shelter.need_invalid", {})
    if problems:
        raise ValidationFailed(problems)
    try:
        with transaction(engine) as session:
            existing = session.scalar(
                select(ShelterStatus.id).where(ShelterStatus.submission_id == submission_id)
            )
            if existing is not None:
                return existing
            shelter = session.get(Shelter, shelter_id)
            if shelter is None:
                raise NotFound()
            require_in_scope(session, actor, [shelter.ward_code])
            exercise = exercise_now(session)
            status = ShelterStatus(
                submission_id=submission_id,
                shelter_id=shelter_id,
                state=state,
                evacuees=evacuees,
                households=households,
                needs=list(needs),
                note=note,
                exercise=exercise,
                reported_by_id=actor.user_id,
                reported_at=at or utcnow(),
            )
            session.add(status)
            session.flush()
            record_audit(
                session,
                actor,
                "record_shelter_status",
                entity="shelter",
                entity_id=shelter_id,
                exercise=exercise,
                detail={"state": state, "evacuees": evacuees},
            )
            return status.id
    except IntegrityError:
        # A concurrent retry of the same submission won the race: return its row.
        with reading(engine) as session:
            return session.scalar(
                select(ShelterStatus.id).where(ShelterStatus.submission_id == submission_id)
            )
