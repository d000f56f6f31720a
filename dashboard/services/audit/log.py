"""The append-only audit log: every write records who, what and when, in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dashboard.domain import SYSTEM, Actor
from dashboard.errors import PermissionDenied
from dashboard.services.audit.actions import AuditAction
from dashboard.services.gate import allows_one_time_password
from dashboard.storage.models import AuditEntry, utcnow

# All that someone logged in with a one-time password may do until they set their own: every
# other write is refused here, where every write passes (reads are refused by the scope checks).
ONE_TIME_PASSWORD_ACTIONS = frozenset(
    {
        AuditAction.USER_LOGGED_IN,
        AuditAction.USER_LOGIN_FAILED,
        AuditAction.USER_LOGIN_THROTTLED,
        AuditAction.USER_LOGGED_OUT,
        AuditAction.USER_PASSWORD_SET,
    }
)


@allows_one_time_password
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
    if actor.via:
        detail = {**(detail or {}), "via": actor.via}
    if actor.must_change_password and action not in ONE_TIME_PASSWORD_ACTIONS:
        raise PermissionDenied("login.must_change_password")
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
