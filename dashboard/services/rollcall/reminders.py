"""Reminders: people of an open roll-call who have not answered within its interval are asked
again on every channel, at most its number of times, each time with a fresh link."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, exists, or_, select, update
from sqlalchemy.orm import Session

from dashboard.services.rollcall.calls import enqueue_rollcall_messages
from dashboard.services.rollcall.vocab import PURPOSE_REMINDER
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import RollCall, RollCallAnswer, RollCallRecipient, utcnow


def remind_unanswered(engine: Engine, *, now: datetime | None = None) -> int:
    """Remind, on every channel, each person of an open roll-call who has not answered within its
    interval (at most its number of reminders); returns how many were reminded. A cheap read
    first, so the worker's idle cycles never take the write lock."""
    now = now or utcnow()
    with reading(engine) as session:
        due = _due_reminders(session, now)
    if not due:
        return 0
    reminded = 0
    with transaction(engine) as session:
        for rollcall, cutoff in _open_rollcalls(session, now):
            ids = list(session.scalars(_unanswered_due(rollcall, cutoff)))
            if not ids:
                continue
            session.execute(
                update(RollCallRecipient)
                .where(RollCallRecipient.id.in_(ids))
                .values(reminder_count=RollCallRecipient.reminder_count + 1, last_reminded_at=now)
            )
            enqueue_rollcall_messages(
                session,
                rollcall.id,
                PURPOSE_REMINDER,
                exercise=rollcall.exercise,
                now=now,
                recipient_ids=ids,
            )
            reminded += len(ids)
    return reminded


def _open_rollcalls(session: Session, now: datetime) -> list[tuple[RollCall, datetime]]:
    rollcalls = session.scalars(select(RollCall).where(RollCall.ended_at.is_(None))).all()
    out = []
    for rollcall in rollcalls:
        cutoff = now - timedelta(minutes=rollcall.remind_after_minutes)
        if rollcall.started_at <= cutoff:  # otherwise nobody can be due yet
            out.append((rollcall, cutoff))
    return out


def _unanswered_due(rollcall: RollCall, cutoff: datetime):
    answered = exists().where(RollCallAnswer.recipient_id == RollCallRecipient.id)
    return select(RollCallRecipient.id).where(
        RollCallRecipient.rollcall_id == rollcall.id,
        RollCallRecipient.reminder_count < rollcall.max_reminders,
        or_(
            RollCallRecipient.last_reminded_at.is_(None),
            RollCallRecipient.last_reminded_at <= cutoff,
        ),
        ~answered,
    )


def _due_reminders(session: Session, now: datetime) -> bool:
    for rollcall, cutoff in _open_rollcalls(session, now):
        if session.scalar(_unanswered_due(rollcall, cutoff).limit(1)) is not None:
            return True
    return False
