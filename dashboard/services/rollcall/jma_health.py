"""The JMA feed's health: when a poll last succeeded, the last failure, and the alert to the crisis
office (an audit entry and a notice on the HQ pages) once polls have failed for
``jma_alert_after_minutes``. Written by the worker's poll, read by the roll-call page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from dashboard.domain import COMMAND_ROLES, SYSTEM, Actor
from dashboard.services.areas import require_role
from dashboard.services.audit import AuditAction, record_audit
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import JmaFeedHealth

# Longest error text kept.
ERROR_MAX = 300


@dataclass(frozen=True)
class FeedHealth:
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    failing_since: datetime | None
    alerting: bool


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:64]


def record_poll(engine: Engine, settings: Settings, *, error: str | None, now: datetime) -> None:
    """One poll's outcome: a success (``error`` None) or a failure; alerts once per run of
    failures longer than ``jma_alert_after_minutes``, and says when it recovers."""
    url = settings.jma_feed_url or ""
    with transaction(engine) as session:
        row = session.scalars(
            select(JmaFeedHealth).where(JmaFeedHealth.url_digest == _digest(url))
        ).first()
        if row is None:
            row = JmaFeedHealth(url_digest=_digest(url))
            session.add(row)
        if error is None:
            if row.alerted_at is not None:
                record_audit(session, SYSTEM, AuditAction.JMA_FEED_RECOVERED, at=now)
            row.last_success_at, row.failing_since, row.alerted_at = now, None, None
            return
        row.last_error_at, row.last_error = now, error[:ERROR_MAX]
        row.failing_since = row.failing_since or now
        limit = timedelta(minutes=settings.jma_alert_after_minutes)
        if row.alerted_at is None and now - row.failing_since >= limit:
            row.alerted_at = now
            record_audit(
                session,
                SYSTEM,
                AuditAction.JMA_FEED_FAILING,
                detail={"since": row.failing_since.isoformat(), "error": row.last_error},
                at=now,
            )


def feed_health(engine: Engine, actor: Actor, settings: Settings) -> FeedHealth | None:
    """The configured feed's health for the crisis office; None when no feed is configured."""
    require_role(actor, COMMAND_ROLES)
    if not settings.jma_feed_url:
        return None
    with reading(engine) as session:
        row = session.scalars(
            select(JmaFeedHealth).where(JmaFeedHealth.url_digest == _digest(settings.jma_feed_url))
        ).first()
        if row is None:
            return FeedHealth(None, None, None, None, False)
        return FeedHealth(
            row.last_success_at,
            row.last_error_at,
            row.last_error,
            row.failing_since,
            row.alerted_at is not None,
        )
