"""The append-only audit log: every write records who, what and when, in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from dashboard.domain import Role
from dashboard.services.access import SYSTEM, Actor, require_role, scope_codes
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, User, utcnow


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


def list_audit(engine: Engine, actor: Actor, *, limit: int = 200) -> list[AuditEntry]:
    """The newest audit entries; only for the crisis-management admin and the executives.

    An admin sees what the users of their scope did, plus the entries of no user (the system,
    logins with an unknown name): a city's admin does not read another city's log.
    """
    require_role(actor, (Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN))
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = (
            select(AuditEntry)
            .outerjoin(User, User.id == AuditEntry.user_id)
            .where(or_(AuditEntry.user_id.is_(None), User.jurisdiction_code.in_(scope)))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
        return list(session.scalars(stmt))
