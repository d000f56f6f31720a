"""The queue of received callback events: stored at once (the callback is answered right
after), worked afterwards by whoever drains it (the callback's background task, and the delivery
worker's periodic job for anything left or due for a retry).

Concurrency: an event is claimed by a conditional update under a row lock (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises claimers), with a lease so a
crashed worker's event is taken again. One person's events are worked in the order they came: an
event is claimable only when no older event of the same person is still pending or working (a
photo then its location, a shelter tap then the evacuee count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from dashboard.services.chatbot.events import BotEvent
from dashboard.storage.db import transaction
from dashboard.storage.models import BotConversation, BotInboundEvent

# How long a claimed event is held before another worker may take it over.
CLAIM_LEASE = timedelta(minutes=2)
# Waits before the next tries of an event that failed for a passing reason (a download).
RETRY_WAITS = (timedelta(seconds=5), timedelta(seconds=20), timedelta(seconds=60))
# Tries in all before an event counts as failed (the sender is then told).
MAX_ATTEMPTS = len(RETRY_WAITS) + 1
UNFINISHED = ("pending", "working")
# Worked events are kept this long (their bodies hold locations), then deleted: replays are
# refused by age long before, and every act they led to is in the audit log.
KEEP_WORKED = timedelta(days=7)
# A conversation (and a photo waiting for its location) untouched this long is dropped.
KEEP_CONVERSATION = timedelta(days=1)


@dataclass(frozen=True)
class Claimed:
    id: int
    dedupe_key: str
    body: str
    attempts: int


def store_event(engine: Engine, event: BotEvent, key: str, body: bytes, *, now: datetime) -> bool:
    """Queue a verified event; False when the same body was stored before (a replay)."""
    try:
        with transaction(engine) as session:
            if session.scalar(select(BotInboundEvent.id).where(BotInboundEvent.dedupe_key == key)):
                return False
            session.add(
                BotInboundEvent(
                    dedupe_key=key,
                    user_id=event.user_id,
                    body=body.decode("utf-8"),
                    issued_at=event.issued_at,
                    received_at=now,
                    next_attempt_at=now,
                )
            )
        return True
    except IntegrityError:  # the same body raced in twice: the other one is stored
        return False


def claim_next(engine: Engine, *, now: datetime) -> Claimed | None:
    """Claim the oldest workable event, or None."""
    older = aliased(BotInboundEvent)
    waiting_behind = exists().where(
        older.user_id == BotInboundEvent.user_id,
        older.id < BotInboundEvent.id,
        older.status.in_(UNFINISHED),
    )
    due = or_(
        and_(BotInboundEvent.status == "pending", BotInboundEvent.next_attempt_at <= now),
        and_(BotInboundEvent.status == "working", BotInboundEvent.claimed_until < now),
    )
    with transaction(engine) as session:
        row = session.execute(
            select(BotInboundEvent)
            .where(due, ~waiting_behind)
            .order_by(BotInboundEvent.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if row is None:
            return None
        row.status, row.claimed_until = "working", now + CLAIM_LEASE
        row.attempts += 1
        return Claimed(row.id, row.dedupe_key, row.body, row.attempts)


def finish(engine: Engine, event_id: int, *, now: datetime, error: str | None = None) -> None:
    """Mark an event done (or failed for good, with the reason)."""
    with transaction(engine) as session:
        session.execute(
            update(BotInboundEvent)
            .where(BotInboundEvent.id == event_id)
            .values(
                status="failed" if error else "done",
                done_at=now,
                claimed_until=None,
                last_error=error[:500] if error else None,
            )
        )


def retry_later(engine: Engine, claimed: Claimed, *, now: datetime, error: str) -> bool:
    """Put an event back for a later try; False (and nothing changed) when it has had its
    last try."""
    if claimed.attempts >= MAX_ATTEMPTS:
        return False
    wait = RETRY_WAITS[min(claimed.attempts, len(RETRY_WAITS)) - 1]
    with transaction(engine) as session:
        session.execute(
            update(BotInboundEvent)
            .where(BotInboundEvent.id == claimed.id)
            .values(
                status="pending",
                next_attempt_at=now + wait,
                claimed_until=None,
                last_error=error[:500],
            )
        )
    return True


def count_by_status(engine: Engine) -> dict[str, int]:
    """Events per status (for the bench and operators)."""
    with transaction(engine) as session:
        rows = session.execute(
            select(BotInboundEvent.status, func.count()).group_by(BotInboundEvent.status)
        )
        return dict(rows.tuples().all())


def prune(engine: Engine, *, now: datetime) -> None:
    """Delete worked events and idle conversations past their keeping time."""
    with transaction(engine) as session:
        session.execute(
            delete(BotInboundEvent).where(
                BotInboundEvent.status.in_(("done", "failed")),
                BotInboundEvent.received_at < now - KEEP_WORKED,
            )
        )
        session.execute(
            delete(BotConversation).where(BotConversation.updated_at < now - KEEP_CONVERSATION)
        )
