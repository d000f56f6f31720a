"""Shelters: master data and their live status (append-only status rows).

Ward staff report a shelter's state, evacuees and needs; the current state is the newest row.
Two staff may update the same shelter at once: the form carries the status id it was opened with,
and a newer update that arrived meanwhile is shown (``StatusConflict``) instead of overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.domain import Actor, Level, Need, ShelterKind, ShelterState
from dashboard.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationFailed
from dashboard.services.areas import require_in_scope, require_reporter, scope_codes, ward_at
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import (
    InputError,
    check_text,
    optional,
    parse_coordinates,
    parse_fields,
    parse_int,
)
from dashboard.services.modes import exercise_now
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Jurisdiction, Shelter, ShelterStatus, User, utcnow

# Largest count of people accepted in one field (a typo guard, far above any shelter).
MAX_COUNT = 100_000
# Length limits of free text, in characters.
NOTE_MAX_LEN = 1000
NAME_MAX_LEN = 200
ADDRESS_MAX_LEN = 300
# Longest caller-made submission id; derived ids append ":<shelter id>" within the 64 columns.
SUBMISSION_MAX_LEN = 48
# How many status rows the history shows.
HISTORY_LIMIT = 500
# Fields of the status form and of the ad-hoc shelter form, as pages keep them (text as typed).
STATUS_FORM_FIELDS = ("state", "evacuees", "households", "needs", "note")
ADHOC_FORM_FIELDS = ("coordinates", "name", "capacity", "evacuees", "address")
# States in which a shelter is running, so a "no change" confirmation applies to it.
RUNNING_STATES: Final = frozenset({ShelterState.PREPARING, ShelterState.OPEN, ShelterState.FULL})


class _NotChecked:
    def __repr__(self) -> str:
        return "NOT_CHECKED"


# Default of ``opened_status_id``: the caller did not open a form, so no conflict check.
NOT_CHECKED: Final = _NotChecked()


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
    needs: tuple[str, ...]
    note: str | None
    confirmation: bool
    reported_at: datetime
    reported_by: str | None


class StatusConflict(Conflict):
    """A newer status arrived since the form was opened; ``latest`` is what it says."""

    def __init__(self, latest: StatusEntry) -> None:
        super().__init__("shelter.conflict", who=latest.reported_by or "-")
        self.latest = latest


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
        needs=tuple(status.needs) if status else (),
        note=status.note if status else None,
        status_id=status.id if status else None,
        updated_at=status.reported_at if status else None,
    )


def _entry(status: ShelterStatus, reporter: str | None) -> StatusEntry:
    return StatusEntry(
        id=status.id,
        state=status.state,
        evacuees=status.evacuees,
        households=status.households,
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


def capacity_hints(
    *, capacity: int | None, evacuees: int, state: str | None
) -> list[tuple[str, dict]]:
    """Warnings for a status about to be saved: over capacity, and "full" when capacity is reached.

    Over capacity is allowed (it happens); the caller shows these as warnings, not errors.
    """
    hints: list[tuple[str, dict]] = []
    if capacity is None or capacity <= 0:  # unknown: no hint either way
        return hints
    if evacuees > capacity:
        hints.append(("shelter.over_capacity", {"capacity": capacity, "evacuees": evacuees}))
    if evacuees >= capacity and state in (ShelterState.OPEN, ShelterState.PREPARING):
        hints.append(("shelter.suggest_full", {"capacity": capacity}))
    return hints


def _validate_status(
    state: str, evacuees: int, households: int | None, needs: Sequence[str], note: str | None
) -> str | None:
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    if state not in set(ShelterState):
        problems["state"] = ("shelter.state_invalid", {})
    if not 0 <= evacuees <= MAX_COUNT:
        problems["evacuees"] = _range_problem(evacuees)
    if households is not None:
        if not 0 <= households <= MAX_COUNT:
            problems["households"] = _range_problem(households)
        elif households > evacuees:
            problems["households"] = ("shelter.households_exceed", {"evacuees": evacuees})
    if any(need not in set(Need) for need in needs):
        problems["needs"] = ("shelter.need_invalid", {})
    try:
        note = check_text(note, max_len=NOTE_MAX_LEN) or None
    except InputError as exc:
        problems["note"] = (exc.key, exc.params)
    if problems:
        raise ValidationFailed(problems)
    return note


def _range_problem(value: int) -> tuple[str, dict[str, object]]:
    if value < 0:
        return ("input.too_small", {"minimum": 0})
    return ("input.too_large", {"maximum": MAX_COUNT})


def _check_submission_id(submission_id: str) -> None:
    if not submission_id or len(submission_id) > SUBMISSION_MAX_LEN:
        raise ServiceError("reporting.submission_invalid")


def _reporter_name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.display_name if user else None


def _newer_update(
    session: Session, shelter_id: int, exercise: bool, opened_status_id: int | None
) -> StatusEntry | None:
    """The newest real update (not a "no change" confirmation) after the one the form showed."""
    stmt = (
        select(ShelterStatus)
        .where(
            ShelterStatus.shelter_id == shelter_id,
            ShelterStatus.exercise == exercise,
            ShelterStatus.confirmation.is_(False),
        )
        .order_by(ShelterStatus.id.desc())
        .limit(1)
    )
    if opened_status_id is not None:
        stmt = stmt.where(ShelterStatus.id > opened_status_id)
    newer = session.scalar(stmt)
    if newer is None:
        return None
    return _entry(newer, _reporter_name(session, newer.reported_by_id))


def _shelter_for_write(session: Session, actor: Actor, shelter_id: int, exercise: bool) -> Shelter:
    # Row lock on PostgreSQL so two conflict checks of one shelter cannot interleave
    # (SQLite's BEGIN IMMEDIATE already serialises writers).
    shelter = session.get(Shelter, shelter_id, with_for_update=True)
    if shelter is None or not shelter.active or (shelter.exercise and not exercise):
        raise NotFound()
    require_in_scope(session, actor, [shelter.ward_code])
    return shelter


def record_status(
    engine: Engine,
    actor: Actor,
    *,
    shelter_id: int,
    submission_id: str,
    state: str,
    evacuees: int,
    households: int | None = None,
    needs: Sequence[str] = (),
    note: str | None = None,
    at: datetime | None = None,
    opened_status_id: int | None | _NotChecked = NOT_CHECKED,
) -> int:
    """Append a status report for one shelter of the actor's scope; returns the status row id.

    Idempotent: the same ``submission_id`` stores one row, however often it is sent.
    ``opened_status_id`` is the status the form showed (None: the shelter had none); if a newer
    update arrived since, ``StatusConflict`` carries it and nothing is written. Evacuees above
    capacity are accepted (see ``capacity_hints``).
    """
    require_reporter(actor)
    _check_submission_id(submission_id)
    note = _validate_status(state, evacuees, households, needs, note)
    try:
        with transaction(engine) as session:
            existing = session.scalar(
                select(ShelterStatus.id).where(ShelterStatus.submission_id == submission_id)
            )
            if existing is not None:
                return existing
            exercise = exercise_now(session)
            _shelter_for_write(session, actor, shelter_id, exercise)
            if not isinstance(opened_status_id, _NotChecked):
                newer = _newer_update(session, shelter_id, exercise, opened_status_id)
                if newer is not None:
                    raise StatusConflict(newer)
            status = ShelterStatus(
                submission_id=submission_id,
                shelter_id=shelter_id,
                state=state,
                evacuees=evacuees,
                households=households,
                needs=sorted(set(needs)),
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
                AuditAction.SHELTER_STATUS_RECORDED,
                entity="shelter",
                entity_id=shelter_id,
                exercise=exercise,
                detail={"state": state, "evacuees": evacuees, "status_id": status.id},
            )
            return status.id
    except IntegrityError:
        # A concurrent retry of the same submission won the race: return its row.
        with reading(engine) as session:
            found = session.scalar(
                select(ShelterStatus.id).where(ShelterStatus.submission_id == submission_id)
            )
        if found is None:
            raise
        return found


def _home_ward(session: Session, actor: Actor) -> str | None:
    home = session.get(Jurisdiction, actor.jurisdiction_code)
    return home.code if home is not None and home.level == Level.WARD else None


def confirm_no_change(
    engine: Engine,
    actor: Actor,
    *,
    submission_id: str,
    ward_code: str | None = None,
    at: datetime | None = None,
) -> list[int]:
    """Confirm every running shelter of a ward as unchanged, in one action.

    Each gets a status row repeating its latest values with ``confirmation=True``, so the ward
    shows it is alive without retyping. ``ward_code`` defaults to the actor's own ward. Returns the
    ids of the confirmed shelters; a retry with the same ``submission_id`` writes nothing more.
    """
    require_reporter(actor)
    _check_submission_id(submission_id)
    try:
        with transaction(engine) as session:
            ward_code = ward_code or _home_ward(session, actor)
            if ward_code is None:
                raise ServiceError("shelter.ward_required")
            require_in_scope(session, actor, [ward_code])
            exercise = exercise_now(session)
            running = [
                view
                for view in query_shelters(
                    session, codes=frozenset({ward_code}), exercise=exercise, ward_code=ward_code
                )
                if view.state in RUNNING_STATES
            ]
            ids = {view.id: f"{submission_id}:{view.id}" for view in running}
            done = set(
                session.scalars(
                    select(ShelterStatus.shelter_id).where(
                        ShelterStatus.submission_id.in_(list(ids.values()))
                    )
                )
            )
            if done:
                return sorted(done)
            now = at or utcnow()
            for view in running:
                session.add(
                    ShelterStatus(
                        submission_id=ids[view.id],
                        shelter_id=view.id,
                        state=view.state,
                        evacuees=view.evacuees,
                        households=view.households,
                        needs=list(view.needs),
                        note=view.note,
                        confirmation=True,
                        exercise=exercise,
                        reported_by_id=actor.user_id,
                        reported_at=now,
                    )
                )
            record_audit(
                session,
                actor,
                AuditAction.SHELTERS_CONFIRMED_UNCHANGED,
                entity="jurisdiction",
                entity_id=ward_code,
                exercise=exercise,
                detail={"shelters": sorted(ids)},
            )
            return sorted(ids)
    except IntegrityError:
        with reading(engine) as session:
            return sorted(
                session.scalars(
                    select(ShelterStatus.shelter_id).where(
                        ShelterStatus.submission_id.like(f"{submission_id}:%")
                    )
                )
            )


def register_adhoc_shelter(
    engine: Engine,
    actor: Actor,
    *,
    submission_id: str,
    name: str,
    lat: float,
    lon: float,
    capacity: int = 0,
    evacuees: int = 0,
    address: str | None = None,
) -> int:
    """Register a 臨時避難所 at a point of the actor's ward and report it open; returns its id.

    The ward is derived from the point. Idempotent per ``submission_id``.
    """
    require_reporter(actor)
    _check_submission_id(submission_id)
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        name = check_text(name, max_len=NAME_MAX_LEN, required=True)
    except InputError as exc:
        problems["name"] = (exc.key, exc.params)
    try:
        address = check_text(address, max_len=ADDRESS_MAX_LEN) or None
    except InputError as exc:
        problems["address"] = (exc.key, exc.params)
    for field, value in (("capacity", capacity), ("evacuees", evacuees)):
        if not 0 <= value <= MAX_COUNT:
            problems[field] = _range_problem(value)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems["coordinates"] = ("input.coordinates_format", {})
    if problems:
        raise ValidationFailed(problems)
    external_id = f"adhoc:{submission_id}"
    try:
        with transaction(engine) as session:
            existing = session.scalar(select(Shelter.id).where(Shelter.external_id == external_id))
            if existing is not None:
                return existing
            ward_code = ward_at(session, lat, lon)
            if ward_code is None:
                raise ValidationFailed({"coordinates": ("shelter.outside_area", {})})
            if ward_code not in scope_codes(session, actor):
                raise PermissionDenied("shelter.outside_ward")
            exercise = exercise_now(session)
            now = utcnow()
            shelter = Shelter(
                external_id=external_id,
                name=name,
                address=address,
                lat=lat,
                lon=lon,
                ward_code=ward_code,
                capacity=capacity,
                kind=ShelterKind.ADHOC.value,
                hazards=[],
                exercise=exercise,
                created_by_id=actor.user_id,
                created_at=now,
            )
            session.add(shelter)
            session.flush()
            session.add(
                ShelterStatus(
                    submission_id=f"{submission_id}:open",
                    shelter_id=shelter.id,
                    state=ShelterState.OPEN.value,
                    evacuees=evacuees,
                    exercise=exercise,
                    reported_by_id=actor.user_id,
                    reported_at=now,
                )
            )
            record_audit(
                session,
                actor,
                AuditAction.ADHOC_SHELTER_REGISTERED,
                entity="shelter",
                entity_id=shelter.id,
                exercise=exercise,
                detail={"name": name, "ward": ward_code, "lat": lat, "lon": lon},
            )
            return shelter.id
    except IntegrityError:
        with reading(engine) as session:
            found = session.scalar(select(Shelter.id).where(Shelter.external_id == external_id))
        if found is None:
            raise
        return found


def status_form(view: ShelterView) -> dict[str, Any]:
    """Initial values of the status form: the latest report, or "open" with nobody yet."""
    return {
        "state": view.state or ShelterState.OPEN.value,
        "evacuees": str(view.evacuees),
        "households": "" if view.households is None else str(view.households),
        "needs": list(view.needs),
        "note": view.note or "",
    }


def status_form_hints(view: ShelterView, form: Mapping[str, Any]) -> list[tuple[str, dict]]:
    """``capacity_hints`` for what is typed so far (nothing while evacuees is not a number)."""
    try:
        evacuees = parse_int(form.get("evacuees"))
    except InputError:
        return []
    return capacity_hints(capacity=view.capacity, evacuees=evacuees, state=form.get("state"))


def submit_status_form(
    engine: Engine,
    actor: Actor,
    *,
    shelter_id: int,
    submission_id: str,
    form: Mapping[str, Any],
    opened_status_id: int | None,
) -> int:
    """``record_status`` from the form as typed (full-width digits accepted, households optional).

    Every bad field is named in one ``ValidationFailed``.
    """
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        counts = parse_fields(form, {"evacuees": parse_int, "households": optional(parse_int)})
    except ValidationFailed as exc:
        problems.update(exc.fields)
        counts = {"evacuees": 0, "households": None}
    try:
        _validate_status(form.get("state") or "", counts["evacuees"], None, (), form.get("note"))
    except ValidationFailed as exc:
        problems.update({k: v for k, v in exc.fields.items() if k not in problems})
    if problems:
        raise ValidationFailed(problems)
    return record_status(
        engine,
        actor,
        shelter_id=shelter_id,
        submission_id=submission_id,
        state=form["state"],
        needs=form.get("needs") or (),
        note=form.get("note"),
        opened_status_id=opened_status_id,
        **counts,
    )


def register_adhoc_form(
    engine: Engine, actor: Actor, *, submission_id: str, form: Mapping[str, Any]
) -> int:
    """``register_adhoc_shelter`` from the form as typed; every bad field named at once."""
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        values = parse_fields(
            form,
            {
                "coordinates": parse_coordinates,
                "capacity": optional(parse_int),
                "evacuees": optional(parse_int),
            },
        )
    except ValidationFailed as exc:
        problems.update(exc.fields)
        values = {}
    try:
        check_text(form.get("name"), max_len=NAME_MAX_LEN, required=True)
    except InputError as exc:
        problems["name"] = (exc.key, exc.params)
    if problems:
        raise ValidationFailed(problems)
    lat, lon = values["coordinates"]
    return register_adhoc_shelter(
        engine,
        actor,
        submission_id=submission_id,
        name=form.get("name") or "",
        lat=lat,
        lon=lon,
        capacity=values["capacity"] or 0,
        evacuees=values["evacuees"] or 0,
        address=form.get("address"),
    )


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
        return [_entry(status, name) for status, name in session.execute(stmt)][::-1]
