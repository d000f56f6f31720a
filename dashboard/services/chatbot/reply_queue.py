"""Replies that could not be sent at once, tried again with back-off (``bot_outgoing_replies``).

The bot answers right after working an event; when the Bot API fails for a passing reason (a
5xx, a timeout, a 429), the reply and those after it are queued and sent by the delivery
worker's periodic job (``send_due``), in the order they were written: a person's later reply
waits behind an earlier one still queued. A refusal that no retry can change (a 4xx, missing
credentials) is logged and dropped, as before. A reply still unsent after ``RETRY_WAITS`` is
dropped too: the act it reports on is stored and shown on the dashboard, and a receipt arriving
half an hour late would confuse more than it tells.

Concurrency: a row is claimed by pushing its ``next_attempt_at`` past ``CLAIM_LEASE`` under a
row lock (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises), so
two senders never send the same row; a crashed sender's row is taken again after the lease.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, exists, select, update
from sqlalchemy.orm import aliased

from dashboard.channels import SendResult
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import BotOutgoingReply

# Waits before each next try of a queued reply; after the last one it is dropped.
RETRY_WAITS = (
    timedelta(seconds=10),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=10),
)
# How long a claimed row is held before another sender may take it over.
CLAIM_LEASE = timedelta(minutes=1)
# Most rows one call of send_due tries (the rest waits for the next worker cycle).
SEND_LIMIT = 100

log = logging.getLogger(__name__)

# (user id, content) -> the Bot API's answer.
Sender = Callable[[str, dict[str, Any]], SendResult]


@dataclass(frozen=True)
class _Claimed:
    id: int
    user_id: str
    content: dict[str, Any]
    attempts: int


def has_queued(engine: Engine, user_id: str) -> bool:
    """Whether ``user_id`` has replies waiting (a new reply then queues behind them)."""
    with reading(engine) as session:
        found = session.scalar(
            select(BotOutgoingReply.id).where(BotOutgoingReply.user_id == user_id).limit(1)
        )
        return found is not None


def enqueue(
    engine: Engine,
    user_id: str,
    contents: list[dict[str, Any]],
    *,
    now: datetime,
    error: str | None = None,
    wait: timedelta = timedelta(0),
) -> None:
    """Queue ``contents`` for ``user_id`` in order; the first is tried after ``wait``."""
    if not contents:
        return
    with transaction(engine) as session:
        session.add_all(
            BotOutgoingReply(
                user_id=user_id,
                content=content,
                created_at=now,
                attempts=1 if error else 0,
                next_attempt_at=now + wait,
                last_error=error[:500] if error else None,
            )
            for content in contents
        )


def first_wait(result: SendResult) -> timedelta:
    """How long to wait after a failed first try (the server's Retry-After if longer)."""
    wait = RETRY_WAITS[0]
    if result.retry_after:
        wait = max(wait, timedelta(seconds=result.retry_after))
    return wait


def send_due(engine: Engine, send: Sender, *, now: datetime, limit: int = SEND_LIMIT) -> int:
    """Try the queued replies that are due, oldest first; returns how many were sent."""
    sent = 0
    for _ in range(limit):
        claimed = _claim(engine, now=now)
        if claimed is None:
            break
        result = send(claimed.user_id, claimed.content)
        if result.ok:
            _delete(engine, claimed.id)
            sent += 1
        else:
            _after_failure(engine, claimed, result, now=now)
    return sent


def _claim(engine: Engine, *, now: datetime) -> _Claimed | None:
    older = aliased(BotOutgoingReply)
    waiting_behind = exists().where(
        older.user_id == BotOutgoingReply.user_id, older.id < BotOutgoingReply.id
    )
    with transaction(engine) as session:
        row = session.execute(
            select(BotOutgoingReply)
            .where(BotOutgoingReply.next_attempt_at <= now, ~waiting_behind)
            .order_by(BotOutgoingReply.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if row is None:
            return None
        row.next_attempt_at = now + CLAIM_LEASE
        return _Claimed(row.id, row.user_id, dict(row.content), row.attempts)


def _delete(engine: Engine, reply_id: int) -> None:
    with transaction(engine) as session:
        session.execute(delete(BotOutgoingReply).where(BotOutgoingReply.id == reply_id))


def _after_failure(engine: Engine, claimed: _Claimed, result: SendResult, *, now: datetime) -> None:
    attempts = claimed.attempts + 1
    if not result.retryable or attempts > len(RETRY_WAITS):
        log.warning("LINE WORKS bot reply dropped after %d tries: %s", attempts, result.detail)
        _delete(engine, claimed.id)
        return
    wait = RETRY_WAITS[attempts - 1]
    if result.retry_after:
        wait = max(wait, timedelta(seconds=result.retry_after))
    with transaction(engine) as session:
        session.execute(
            update(BotOutgoingReply)
            .where(BotOutgoingReply.id == claimed.id)
            .values(attempts=attempts, next_attempt_at=now + wait, last_error=result.detail[:500])
        )
