"""Reading shelters: the registry with each shelter's latest status, and a shelter's history.

The current state of a shelter is its newest status row of the current mode (real or drill).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.errors import NotFound
from dashboard.services.areas import require_in_scope, scope_codes
from dashboard.services.modes import exercise_now
from dashboard.storage.db import reading
from dashboard.storage.models import Shelter, ShelterStatus, User

# How many status rows the history shows.
HISTORY_LIMIT = 500


@dataclass(frozen=True)
class ShelterView:
    """A shelter with its latest reported status (None fields when never reported)."""

    id: int
    name: str
    kana: str | None
    address: str | None
    ward_code: str
    kind: str
    # None when unknown (imported from a registry without capacities).
    capacity: int | None
    lat: float
    lon: float
    state: str | None
    evacuees: int
    households: int | None
    # うち自主避難 (part of evacuees); None when not said.
    voluntary_evacuees: int | None
    needs: tuple[str, ...]
    note: str | None
    status_id: int | None
    updated_at: datetime | None


@dataclass(frozen=True)
class StatusEntry:
    """One status report as the history and the conflict warning show it."""

    id: int
    state: str
    evacuees: int
    households: int | None
    voluntary_evacuees: int | None
    needs: tuple[str, ...]
    note: str | None
    confirmation: bool
    reported_at: datetime
    reported_by: str | None


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
    shelter_id: int | None = None,
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
    if shelter_id is not None:
        stmt = stmt.where(Shelter.id == shelter_id)
    if search and search.strip():
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
        voluntary_evacuees=status.voluntary_evacuees if status else None,
        needs=tuple(status.needs) if status else (),
        note=status.note if status else None,
        status_id=status.id if status else None,
        updated_at=status.reported_at if status else None,
    )


def status_entry(status: ShelterStatus, reporter: str | None) -> StatusEntry:
    return StatusEntry(
        id=status.id,
        state=status.state,
        evacuees=status.evacuees,
        households=status.households,
        voluntary_evacuees=status.voluntary_evacuees,
        needs=tuple(status.needs),
        note=status.note,
        confirmation=status.confirmation,
        reported_at=status.reported_at,
        reported_by=reporter,
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


def get_shelter(engine: Engine, actor: Actor, shelter_id: int) -> ShelterView:
    """One shelter of the actor's scope with its latest status."""
    with reading(engine) as session:
        found = query_shelters(
            session,
            codes=scope_codes(session, actor),
            exercise=exercise_now(session),
            shelter_id=shelter_id,
        )
    if not found:
        raise NotFound()
    return found[0]


def shelter_history(
    engine: Engine, actor: Actor, shelter_id: int, *, limit: int = HISTORY_LIMIT
) -> list[StatusEntry]:
    """The shelter's status reports of the current mode, oldest first (the newest ``limit``)."""
    with reading(engine) as session:
        shelter = session.get(Shelter, shelter_id)
        if shelter is None:
            raise NotFound()
        require_in_scope(session, actor, [shelter.ward_code])
        stmt = (
            select(ShelterStatus, User.display_name)
            .outerjoin(User, User.id == ShelterStatus.reported_by_id)
            .where(
                ShelterStatus.shelter_id == shelter_id,
                ShelterStatus.exercise == exercise_now(session),
            )
            .order_by(ShelterStatus.id.desc())
            .limit(limit)
        )
        return [status_entry(status, name) for status, name in session.execute(stmt)][::-1]
