"""The append-only audit log: every write records who, what and when, in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dashboard.domain import SYSTEM, Actor
from dashboard.services.audit.actions import AuditAction
from dashboard.storage.models import AuditEntry, utcnow


def record_audit(
    session: Session,
    actor: Actor | None,
    action: AuditAction,
    *,
    entity: str | None = None,
    entity_id: object = None,
    detail: dict[str, Any] | None = None,
    exercise: bool = False,
    at: datetime | None = None,
) -> None:
    """Add one audit entry to the caller's transaction
    (so it commits or rolls back with the write). ``action`` must be one of ``AuditAction``."""
    action = AuditAction(action)  # an unknown name fails here, not in the admin's log later
    actor = actor or SYSTEM
    session.add(
        AuditEntry(
            at=at or utcnow(),
            user_id=actor.user_id,
            username=actor.username,
            action=action.value,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            detail=detail or {},
            exercise=exercise,
        )
    )
