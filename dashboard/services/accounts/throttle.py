"""Throttling failed logins: growing delays per user name *at a client*, and per client.

A hard lock per account (five wrong passwords lock ``mayor`` for everyone) lets any stranger lock
out the mayor during a disaster. Instead, failures are counted per throttle key:

* the typed user name at one client (e.g. its remote address): after ``login_max_failures``
  free failures, each further one doubles the wait before the next try from there
  (``login_delay_seconds`` · 2ⁿ, at most ``login_delay_max_seconds``);
* the client alone, with a larger allowance (``login_client_max_failures``), so one client
  cannot try many names quickly.

Keys do not depend on whether the account exists, so an unknown name behaves exactly like a
known one (no user enumeration). Counts are forgotten ``login_failure_window_minutes`` after the
last failure, and a successful login clears its name-at-client key. Nothing here ends a login
that is already open. Keys are SHA-256 hashes: no typed name or address is stored in clear.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dashboard.settings import Settings
from dashboard.storage.models import LoginThrottle

# Stands for a client the UI could not name (all such tries share one key).
UNKNOWN_CLIENT = "unknown"


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()


def throttle_keys(username: str, client: str | None) -> dict[str, str]:
    """The keys of one try: ``{"name": name at client, "client": client}``."""
    client = client or UNKNOWN_CLIENT
    return {"name": _hash("name", username, client), "client": _hash("client", client)}


def _allowance(kind: str, settings: Settings) -> int:
    return settings.login_max_failures if kind == "name" else settings.login_client_max_failures


def wait_seconds(session: Session, keys: dict[str, str], now: datetime) -> int:
    """Whole seconds to wait before the next try with these keys (0: go ahead)."""
    rows = session.scalars(
        select(LoginThrottle.retry_after).where(LoginThrottle.key.in_(keys.values()))
    )
    waits = [(r - now).total_seconds() for r in rows if r is not None and r > now]
    return math.ceil(max(waits)) if waits else 0


def record_failure(
    session: Session, keys: dict[str, str], now: datetime, settings: Settings
) -> None:
    """Count a failed try against each key and set when the next try may come."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    window = timedelta(minutes=settings.login_failure_window_minutes)
    for kind, key in keys.items():
        # Two failures at once must both count: create the row if missing, then lock and update.
        session.execute(
            insert(LoginThrottle)
            .values(key=key, failures=0, last_failed_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        row = session.scalars(
            select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
        ).one()
        if row.last_failed_at < now - window:
            row.failures = 0
        row.failures += 1
        row.last_failed_at = max(row.last_failed_at, now)
        beyond = row.failures - _allowance(kind, settings)
        if beyond >= 0:
            delay = min(
                settings.login_delay_max_seconds,
                settings.login_delay_seconds * 2 ** min(beyond, 30),
            )
            row.retry_after = now + timedelta(seconds=delay)


def clear(session: Session, key: str) -> None:
    """Forget the failures of a key (after a successful login)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
