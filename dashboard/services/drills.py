"""Drill state (訓練). While a drill runs, everything created is marked ``exercise=True``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.storage.models import Exercise


def active_exercise(session: Session) -> Exercise | None:
    """The drill in progress, if any."""
    stmt = select(Exercise).where(Exercise.ended_at.is_(None)).order_by(Exercise.id.desc())
    return session.scalars(stmt).first()


def exercise_now(session: Session) -> bool:
    """Whether data written now is drill data (and which data views should show)."""
    return active_exercise(session) is not None
