"""Reading the audit log: scoped to the reader's jurisdiction."""

from __future__ import annotations

from sqlalchemy import Engine, or_, select

from dashboard.domain import Actor, Role
from dashboard.services.areas import require_role, scope_codes
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, User


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
