"""Who may see and change what. Every service checks here; pages only hide what the user can't use.

A governor sees a prefecture, a mayor or crisis-management admin a city, a ward user one ward:
the *scope* of a user is their home jurisdiction and everything below it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, REPORTING_ROLES, SYSTEM, Actor, Role
from dashboard.errors import PermissionDenied
from dashboard.storage.models import Jurisdiction


def scope_codes(session: Session, actor: Actor) -> frozenset[str]:
    """Codes of the actor's home jurisdiction and all jurisdictions below it."""
    rows = session.execute(select(Jurisdiction.code, Jurisdiction.parent_code)).all()
    if actor is SYSTEM:
        return frozenset(code for code, _ in rows)
    children: dict[str | None, list[str]] = {}
    for code, parent in rows:
        children.setdefault(parent, []).append(code)
    found, stack = set(), [actor.jurisdiction_code]
    while stack:
        code = stack.pop()
        if code not in found:
            found.add(code)
            stack.extend(children.get(code, ()))
    return frozenset(found)


def require_in_scope(session: Session, actor: Actor, codes: Iterable[str | None]) -> None:
    """Refuse unless every code lies inside the actor's scope."""
    scope = scope_codes(session, actor)
    if any(code not in scope for code in codes):
        raise PermissionDenied()


def require_role(actor: Actor, roles: Iterable[Role]) -> None:
    if actor is not SYSTEM and actor.role not in set(roles):
        raise PermissionDenied()


def require_reporter(actor: Actor) -> None:
    """Viewers may look but never write."""
    require_role(actor, REPORTING_ROLES)


def require_command(actor: Actor) -> None:
    require_role(actor, COMMAND_ROLES)
