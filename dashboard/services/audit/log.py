"""The append-only audit log: every write records who, what and when, in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dashboard.domain import SYSTEM, Actor
from dashboard.storage.models import AuditEntry, utcnow


def record_audit(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    entity: str | None = None,
    entity_id: object = None,
    detail: dict[str, Any] | None = None,
    exercise: bool = False,
    at: datetime | None = None,
) -> None:
    """Add one audit entry to the caller's transaction
    (so it commits or rolls back with the write)."""
    actor = actor or SYSTEM
    session.add(
        AuditEntry(
            at=at or utcnow(),
            user_id=actor.user_id,
            username=actor.username,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            detail=detail or {},
            exercise=exercise,
        )
    )
