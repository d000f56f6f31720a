"""Who may see and change what. Every service checks here; pages only hide what the user can't use.

A governor sees a prefecture, a mayor or crisis-management admin a city, a ward user one ward:
the *scope* of a user is their home jurisdiction and everything below it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, REPORTING_ROLES, SYSTEM, Actor, Level, Role
from dashboard.errors import PermissionDenied
from dashboard.services.areas.tree import area_tree


def require_usable(actor: Actor) -> None:
    """Refuse an actor who logged in with a one-time password and has not set their own yet:
    until then they may do nothing but that (``accounts.change_own_password``)."""
    if actor.must_change_password:
        raise PermissionDenied("login.must_change_password")


def scope_codes(session: Session, actor: Actor) -> frozenset[str]:
    """Codes of the actor's home jurisdiction and all jurisdictions below it."""
    require_usable(actor)
    tree = area_tree(session)
    if actor is SYSTEM:
        return frozenset(tree.parents)
    return tree.subtree(actor.jurisdiction_code)


def require_in_scope(session: Session, actor: Actor, codes: Iterable[str | None]) -> None:
    """Refuse unless every code lies inside the actor's scope."""
    scope = scope_codes(session, actor)
    if any(code not in scope for code in codes):
        raise PermissionDenied()


def require_role(actor: Actor, roles: Iterable[Role]) -> None:
    require_usable(actor)
    if actor is not SYSTEM and actor.role not in set(roles):
        raise PermissionDenied()


def require_reporter(actor: Actor) -> None:
    """Viewers may look but never write."""
    require_role(actor, REPORTING_ROLES)


def require_command(actor: Actor) -> None:
    require_role(actor, COMMAND_ROLES)


def require_area_writer(session: Session, actor: Actor) -> None:
    """Refuse a user of a department (部局): they receive directives and read the situation, but
    ward data (shelters, damage reports) is written by the wards and the command roles."""
    if actor is SYSTEM:
        return
    if area_tree(session).levels.get(actor.jurisdiction_code) == Level.DEPARTMENT.value:
        raise PermissionDenied("hq.department_read_only")
