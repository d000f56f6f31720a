"""Drill state (訓練). While a drill runs, everything created is marked ``exercise=True``.

Views show only the current mode's data, so a drill never mixes with the real situation. After
the drill, ``clear_drill_data`` deletes every exercise row of every table that has an
``exercise`` flag, together with the rows that hang off them (photos of drill reports,
deliveries of drill directives, delivery attempts). The audit log is append-only and keeps
everything: its drill entries stay (flagged ``exercise``), and a real entry says when, by whom
and how much was cleared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, Actor
from dashboard.errors import Conflict, ValidationFailed
from dashboard.services.areas import require_role
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import InputError, clean_text
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Base, Exercise, utcnow

# Longest drill name accepted.
NAME_MAX = 200
# Tables whose drill rows are kept when a drill is cleared: the audit log is never rewritten.
KEPT_TABLES = frozenset({"audit_log"})


def active_exercise(session: Session) -> Exercise | None:
    """The drill in progress, if any."""
    stmt = select(Exercise).where(Exercise.ended_at.is_(None)).order_by(Exercise.id.desc())
    return session.scalars(stmt).first()


def exercise_now(session: Session) -> bool:
    """Whether data written now is drill data (and which data views should show)."""
    return active_exercise(session) is not None


@dataclass(frozen=True)
class DrillView:
    id: int
    name: str
    started_at: datetime
    ended_at: datetime | None
    cleared_at: datetime | None


def list_drills(engine: Engine, *, limit: int = 10) -> list[DrillView]:
    """The latest drills, newest first (running, ended, and whether their data was cleared)."""
    with reading(engine) as session:
        stmt = select(Exercise).order_by(Exercise.started_at.desc(), Exercise.id.desc())
        return [
            DrillView(e.id, e.name, e.started_at, e.ended_at, e.cleared_at)
            for e in session.scalars(stmt.limit(limit))
        ]


def start_drill(engine: Engine, actor: Actor, *, name: str, now: datetime | None = None) -> int:
    """Start a drill; from now on everything entered is drill data. One drill at a time."""
    require_role(actor, COMMAND_ROLES)
    # NUL and bidi overrides removed (PostgreSQL refuses NUL), length bounded.
    try:
        name = clean_text(name, field="name", max_len=NAME_MAX, required=True)
    except InputError:
        raise ValidationFailed({"name": ("drill.name_required", {"maximum": NAME_MAX})}) from None
    now = now or utcnow()
    with transaction(engine) as session:
        running = active_exercise(session)
        if running is not None:
            # The same click twice: the drill it started is the answer.
            if running.name == name and running.started_by_id == actor.user_id:
                return running.id
            raise Conflict("drill.already_running", name=running.name)
        exercise = Exercise(name=name, started_by_id=actor.user_id, started_at=now)
        session.add(exercise)
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.DRILL_STARTED,
            entity="exercise",
            entity_id=exercise.id,
            at=now,
        )
        return exercise.id


def end_drill(engine: Engine, actor: Actor, *, now: datetime | None = None) -> bool:
    """End the running drill; False when none was running. Its data stays until cleared."""
    require_role(actor, COMMAND_ROLES)
    now = now or utcnow()
    with transaction(engine) as session:
        running = active_exercise(session)
        if running is None:
            return False
        running.ended_at, running.ended_by_id = now, actor.user_id
        record_audit(
            session, actor, AuditAction.DRILL_ENDED, entity="exercise", entity_id=running.id, at=now
        )
        return True


def _doomed_conditions() -> dict[str, object]:
    """Per table, the SQL condition of rows that are drill data: flagged themselves, or pointing
    at drill rows of another table (a photo of a drill report). Parents come first."""
    conditions: dict[str, object] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in KEPT_TABLES:
            continue
        parts = [table.c.exercise.is_(True)] if "exercise" in table.c else []
        for fk in table.foreign_keys:
            parent: Table = fk.column.table
            if parent is not table and parent.name in conditions:
                doomed_ids = select(fk.column).where(conditions[parent.name])
                parts.append(fk.parent.in_(doomed_ids))
        if parts:
            conditions[table.name] = or_(*parts)
    return conditions


def clear_drill_data(engine: Engine, actor: Actor, *, now: datetime | None = None) -> dict:
    """Delete all drill data (only when no drill runs); returns rows deleted per table."""
    require_role(actor, COMMAND_ROLES)
    now = now or utcnow()
    conditions = _doomed_conditions()
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    counts: dict[str, int] = {}
    with transaction(engine) as session:
        if active_exercise(session) is not None:
            raise Conflict("drill.clear_while_running")
        # Real rows must not point at drill rows of their own table (a real report marked as
        # a duplicate of a drill report): unlink them first.
        for name, condition in conditions.items():
            table = tables[name]
            for fk in table.foreign_keys:
                if fk.column.table is table and fk.parent.nullable:
                    doomed_ids = select(fk.column).where(condition).scalar_subquery()
                    session.execute(
                        update(table)
                        .where(fk.parent.in_(doomed_ids), ~condition)
                        .values({fk.parent.name: None})
                    )
        # Children before parents.
        for name in reversed(list(conditions)):
            result = session.execute(delete(tables[name]).where(conditions[name]))
            if result.rowcount:
                counts[name] = result.rowcount
        session.execute(
            update(Exercise)
            .where(Exercise.ended_at.is_not(None), Exercise.cleared_at.is_(None))
            .values(cleared_at=now)
        )
        record_audit(session, actor, AuditAction.DRILL_CLEARED, detail={"deleted": counts}, at=now)
    return counts
