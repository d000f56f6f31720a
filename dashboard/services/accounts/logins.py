"""Logging in: a user name and password checked against the argon2 hash, behind the throttle.

Every try is in the audit log with the typed name cleaned and bounded (``login_name``). The
answer never tells whether a name exists: an unknown name is checked as slowly as a known one,
counts against the same throttle keys, and gets the same messages.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Engine, select

from dashboard.clock import utcnow
from dashboard.domain import Actor
from dashboard.errors import LoginFailed
from dashboard.services.accounts import throttle
from dashboard.services.accounts.passwords import hash_password, needs_rehash, verify_password
from dashboard.services.accounts.sessions import actor_for
from dashboard.services.audit import AuditAction, record_audit
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import transaction
from dashboard.storage.models import User

# Longest user name (the column's length); a longer typed name cannot match any account.
USERNAME_MAX = 64
# Longest client key kept in the audit log.
CLIENT_MAX = 64
# Control, bidi and other format characters: never part of a user name, never logged.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def login_name(typed: str | None) -> str:
    """The typed user name as matched and logged: unprintable characters removed, stripped, at
    most ``USERNAME_MAX`` characters (a longer name ends with "…" and matches nobody)."""
    name = _UNPRINTABLE.sub("", typed if isinstance(typed, str) else "").strip()
    return name if len(name) <= USERNAME_MAX else name[: USERNAME_MAX - 1] + "…"


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Actor:
    """Check a login from ``client`` (e.g. the remote address the UI sees).

    Raises ``LoginFailed``: "login.failed" for an unknown name and a wrong password alike, and
    "login.throttled" (with ``seconds``) while this name at this client, or this client, must
    wait; even the right password waits then. Nothing here ends a login already open.
    """
    settings = settings or get_settings()
    now = now or utcnow()
    name = login_name(username)
    client_key = login_name(client)[:CLIENT_MAX] or throttle.UNKNOWN_CLIENT
    keys = throttle.throttle_keys(name, client_key)
    detail = {"username": name, "client": client_key}
    password = password if len(password or "") <= 4096 else ""
    with transaction(engine) as session:
        wait = throttle.wait_seconds(session, keys, now)
        if wait:
            record_audit(
                session, None, AuditAction.USER_LOGIN_THROTTLED, entity="user", detail=detail
            )
            failure = LoginFailed("login.throttled", seconds=wait)
        else:
            user = None
            if name and name == (username or "").strip() and len(name) <= USERNAME_MAX:
                user = session.scalar(select(User).where(User.username == name))
            live = user is not None and user.active
            if verify_password(user.password_hash if live else None, password or ""):
                throttle.clear(session, keys["name"])
                user.last_login_at = now
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(password)
                record_audit(
                    session,
                    actor_for(user),
                    AuditAction.USER_LOGGED_IN,
                    entity="user",
                    entity_id=user.id,
                    detail={"client": client_key},
                )
                return actor_for(user)
            throttle.record_failure(session, keys, now, settings)
            record_audit(
                session,
                actor_for(user) if live else None,
                AuditAction.USER_LOGIN_FAILED,
                entity="user",
                entity_id=user.id if live else None,
                detail=detail,
            )
            failure = LoginFailed("login.failed")
    # Raised after the commit, so the failure count is stored.
    raise failure
