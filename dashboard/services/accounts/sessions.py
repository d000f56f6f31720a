"""Logins that survive a page reload: a random token in the browser, its hash in the database.

The UI checks the token on every run of a page (``resume_session``: one indexed query), so a
logout in one tab, a password reset, a deactivation or a role change ends the login in every
tab and every app process at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from dashboard.clock import utcnow
from dashboard.domain import Actor, Role
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.gate import allows_one_time_password
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import LoginSession, User


def actor_for(user: User) -> Actor:
    return Actor(
        user.id,
        user.username,
        user.display_name,
        Role(user.role),
        user.jurisdiction_code,
        must_change_password=bool(user.must_change_password),
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@allows_one_time_password
def start_session(
    engine: Engine,
    actor: Actor,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> str:
    """A new random session token for a logged-in user (only its hash is stored)."""
    settings = settings or get_settings()
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        session.add(
            LoginSession(
                token_hash=_token_hash(token),
                user_id=actor.user_id,
                created_at=now,
                expires_at=now + timedelta(hours=settings.session_hours),
            )
        )
    return token


def resume_session(engine: Engine, token: str, *, now: datetime | None = None) -> Actor | None:
    """The user of a live session token, or None (unknown, ended, expired, user deactivated).

    Cheap enough to call on every run of every page: one indexed query. Failed logins of others
    never end a session (see ``throttle``)."""
    if not token or not isinstance(token, str):
        return None
    now = now or utcnow()
    with reading(engine) as session:
        user = session.scalar(
            select(User)
            .join(LoginSession, LoginSession.user_id == User.id)
            .where(
                LoginSession.token_hash == _token_hash(token),
                LoginSession.ended_at.is_(None),
                LoginSession.expires_at > now,
                User.active.is_(True),
            )
        )
        return actor_for(user) if user is not None else None


@allows_one_time_password
def session_valid(engine: Engine, token: str, actor: Actor, *, now: datetime | None = None) -> bool:
    """Whether the login ``actor`` holds with ``token`` is still live *and* unchanged (same user,
    role, area and one-time-password state): the check the UI makes on every page run."""
    current = resume_session(engine, token, now=now)
    return current is not None and _rights(current) == _rights(actor)


def _rights(actor: Actor) -> tuple:
    return actor.user_id, actor.role, actor.jurisdiction_code, actor.must_change_password


def end_session(engine: Engine, token: str, *, now: datetime | None = None) -> None:
    """Log out: the token stops working at once, in every process."""
    if not token or not isinstance(token, str):
        return
    with transaction(engine) as session:
        row = session.scalar(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        )
        if row is not None and row.ended_at is None:
            row.ended_at = now or utcnow()
            record_audit(
                session,
                actor_for(row.user),
                AuditAction.USER_LOGGED_OUT,
                entity="user",
                entity_id=row.user_id,
            )


def end_user_sessions(session: Session, user_id: int, now: datetime) -> int:
    """End every open login of a user (inside the caller's transaction); returns how many."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return result.rowcount or 0
