"""Shelter status updates: append-only rows, the conflict warning and "no change" for a ward.

Ward staff report a shelter's state, evacuees and needs; the current state is the newest row.
Two staff may update the same shelter at once: the form carries the status id it was opened with,
and a newer update that arrived meanwhile is shown (``StatusConflict``) instead of overwritten.

Concurrency: every write that reads a shelter's current state and then writes from it first locks
the shelter rows it will write for (``lock_shelters``: ``SELECT … FOR UPDATE`` on PostgreSQL, in
id order so two writers cannot deadlock; SQLite's ``BEGIN IMMEDIATE`` already serialises writers).
Under PostgreSQL's READ COMMITTED each statement after the lock sees what the previous holder
committed, so "no change" copies the status a concurrent update has just stored rather than the
one it would have read before: no update is overridden by a stale copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor, Level, Need, ShelterState
from dashboard.errors import Conflict, NotFound, ServiceError, ValidationFailed
from dashboard.services.areas import require_area_writer, require_in_scope, require_reporter
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import InputError, check_text
from dashboard.services.modes import exercise_now
from dashboard.services.shelters.queries import StatusEntry, query_shelters, status_entry
from dashboard.services.shelters.rules import (
    MAX_COUNT,
    NOTE_MAX_LEN,
    RUNNING_STATES,
    check_submission_id,
    range_problem,
)
from dashboard.storage.db import store_once
from dashboard.storage.models import Jurisdiction, Shelter, ShelterStatus, User, utcnow


class _NotChecked:
    def __repr__(self) -> str:
        return "NOT_CHECKED"


# Default of ``opened_status_id``: the caller did not open a form, so no conflict check.
NOT_CHECKED: Final = _NotChecked()


class StatusConflict(Conflict):
    """A newer status arrived since the form was opened; ``latest`` is what it says."""

    def __init__(self, latest: StatusEntry) -> None:
        super().__init__("shelter.conflict", who=latest.reported_by or "-")
        self.latest = latest


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


def validate_status(
    state: str,
    evacuees: int,
    households: int | None,
    needs: Sequence[str],
    note: str | None,
    voluntary_evacuees: int | None = None,
) -> str | None:
    """Check a status report; returns the cleaned note, or names every bad field at once.

    ``households`` and ``voluntary_evacuees`` (うち自主避難) are optional parts of ``evacuees``:
    neither may exceed it.
    """
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    if state not in set(ShelterState):
        problems["state"] = ("shelter.state_invalid", {})
    if not 0 <= evacuees <= MAX_COUNT:
        problems["evacuees"] = range_problem(evacuees)
    if households is not None:
        if not 0 <= households <= MAX_COUNT:
            problems["households"] = range_problem(households)
        elif households > evacuees:
            problems["households"] = ("shelter.households_exceed", {"evacuees": evacuees})
    if voluntary_evacuees is not None:
        if not 0 <= voluntary_evacuees <= MAX_COUNT:
            problems["voluntary_evacuees"] = range_problem(voluntary_evacuees)
        elif voluntary_evacuees > evacuees:
            problems["voluntary_evacuees"] = ("shelter.voluntary_exceed", {"evacuees": evacuees})
    if any(need not in set(Need) for need in needs):
        problems["needs"] = ("shelter.need_invalid", {})
    try:
        note = check_text(note, max_len=NOTE_MAX_LEN) or None
    except InputError as exc:
        problems["note"] = (exc.key, exc.params)
    if problems:
        raise ValidationFailed(problems)
    return note


def lock_shelters(session: Session, condition) -> list[int]:
    """Lock the shelter rows matching ``condition`` until the transaction ends; returns their ids.

    The guard of every read-then-write on current shelter state (see the module docstring).
    """
    stmt = select(Shelter.id).where(condition).order_by(Shelter.id).with_for_update()
    return list(session.scalars(stmt))


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
    return status_entry(newer, _reporter_name(session, newer.reported_by_id))


def _shelter_for_write(session: Session, actor: Actor, shelter_id: int, exercise: bool) -> Shelter:
    lock_shelters(session, Shelter.id == shelter_id)
    shelter = session.get(Shelter, shelter_id)
    if shelter is None or not shelter.active or (shelter.exercise and not exercise):
        raise NotFound()
    require_area_writer(session, actor)
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
    voluntary_evacuees: int | None = None,
    needs: Sequence[str] = (),
    note: str | None = None,
    at: datetime | None = None,
    opened_status_id: int | None | _NotChecked = NOT_CHECKED,
) -> int:
    """Append a status report for one shelter of the actor's scope; returns the status row id.

    Idempotent: the same ``submission_id`` stores one row, however often it is sent.
    ``opened_status_id`` is the status the form showed (None: the shelter had none); if a newer
    update arrived since, ``StatusConflict`` carries it and nothing is written. Evacuees above
    capacity are accepted (see ``capacity_hints``). ``voluntary_evacuees`` is うち自主避難, a part
    of ``evacuees`` (None: not said).
    """
    require_reporter(actor)
    check_submission_id(submission_id)
    note = validate_status(state, evacuees, households, needs, note, voluntary_evacuees)

    def find(session: Session) -> int | None:
        return session.scalar(
            select(ShelterStatus.id).where(ShelterStatus.submission_id == submission_id)
        )

    def write(session: Session) -> int:
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
            voluntary_evacuees=voluntary_evacuees,
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

    return store_once(engine, find, write)


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
    The ward's shelters are locked before their latest status is read, so an update stored at the
    same moment is the one copied, never overridden.
    """
    require_reporter(actor)
    check_submission_id(submission_id)

    def find(session: Session) -> list[int] | None:
        done = session.scalars(
            select(ShelterStatus.shelter_id).where(
                ShelterStatus.submission_id.startswith(f"{submission_id}:", autoescape=True)
            )
        )
        return sorted(done) or None

    def write(session: Session) -> list[int]:
        require_area_writer(session, actor)
        ward = ward_code or _home_ward(session, actor)
        if ward is None:
            raise ServiceError("shelter.ward_required")
        require_in_scope(session, actor, [ward])
        exercise = exercise_now(session)
        lock_shelters(session, Shelter.ward_code == ward)
        running = [
            view
            for view in query_shelters(
                session, codes=frozenset({ward}), exercise=exercise, ward_code=ward
            )
            if view.state in RUNNING_STATES
        ]
        now = at or utcnow()
        for view in running:
            session.add(
                ShelterStatus(
                    submission_id=f"{submission_id}:{view.id}",
                    shelter_id=view.id,
                    state=view.state,
                    evacuees=view.evacuees,
                    households=view.households,
                    voluntary_evacuees=view.voluntary_evacuees,
                    needs=list(view.needs),
                    note=view.note,
                    confirmation=True,
                    exercise=exercise,
                    reported_by_id=actor.user_id,
                    reported_at=now,
                )
            )
        confirmed = sorted(view.id for view in running)
        record_audit(
            session,
            actor,
            AuditAction.SHELTERS_CONFIRMED_UNCHANGED,
            entity="jurisdiction",
            entity_id=ward,
            exercise=exercise,
            detail={"shelters": confirmed},
        )
        return confirmed

    return store_once(engine, find, write)
