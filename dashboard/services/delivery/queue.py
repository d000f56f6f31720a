"""The delivery queue (outbox): directives leave the dashboard outside the click.

Sending a directive only adds ``OutboxMessage`` rows in the same transaction as the directive.
A worker (``delivery.worker``) claims due rows, sends each through its channel *outside* any
database transaction, and logs every attempt here.

Claiming is safe with several workers on one database: on PostgreSQL the due rows are locked with
``SELECT ... FOR UPDATE SKIP LOCKED`` (each worker gets different rows); on SQLite the claim runs
under the database's single write lock (``BEGIN IMMEDIATE``). A claimed row is marked ``sending``
with a short lease in ``next_attempt_at`` that its worker renews while the sends run
(``renew_claims``, every ``HEARTBEAT``): if the worker dies, the row is claimed again once
``CLAIM_LEASE`` has run out, not after the longest send it might have been making. Failures are
retried with exponential back-off until ``outbox_max_attempts``, then the row is ``dead`` and shown
on the tracking board with its last error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from dashboard.channels import Message, SendResult
from dashboard.channels.base import PURPOSES
from dashboard.channels.signing import make_ack_token
from dashboard.i18n import translate
from dashboard.services.delivery.personal import build_personal
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    ChannelTarget,
    Directive,
    DirectiveDelivery,
    Jurisdiction,
    OutboxAttempt,
    OutboxMessage,
)

# Row states of an outbox message.
PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
# Path of the acknowledgement page under the dashboard's base URL.
ACK_PATH = "/ack"
# How long a claimed row stays with its worker without a heartbeat: a crashed worker's rows are
# sent again after this long.
CLAIM_LEASE = timedelta(seconds=15)
# How often a worker renews the lease of the rows it is still sending (well inside the lease).
HEARTBEAT = timedelta(seconds=5)


@dataclass(frozen=True)
class Job:
    """One claimed outbox row, ready to send without touching the database."""

    message_id: int
    attempt: int
    kind: str
    target: dict[str, Any]
    message: Message
    # Addressed to a person: the failure detail may name their address, so it is never logged.
    personal: bool = False


@dataclass(frozen=True)
class OutboxReport:
    """What one run of the worker did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    dead: int = 0


@dataclass(frozen=True)
class ChannelState:
    """The latest state of one channel for one delivery (for the tracking board)."""

    kind: str
    purpose: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None


def enqueue_messages(
    session: Session,
    deliveries: Iterable[DirectiveDelivery],
    *,
    purpose: str,
    exercise: bool,
    now: datetime,
) -> int:
    """Add one outbox row per enabled channel target of each delivery's ward; returns how many.

    Runs inside the caller's transaction, so the rows exist exactly when the directive does.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    deliveries = list(deliveries)
    codes = {d.jurisdiction_code for d in deliveries}
    if not codes:
        return 0
    targets: dict[str, list[int]] = {}
    stmt = select(ChannelTarget.id, ChannelTarget.jurisdiction_code).where(
        ChannelTarget.jurisdiction_code.in_(codes), ChannelTarget.enabled.is_(True)
    )
    for target_id, code in session.execute(stmt.order_by(ChannelTarget.id)):
        targets.setdefault(code, []).append(target_id)
    count = 0
    for delivery in deliveries:
        for target_id in targets.get(delivery.jurisdiction_code, ()):
            session.add(
                OutboxMessage(
                    delivery_id=delivery.id,
                    channel_target_id=target_id,
                    purpose=purpose,
                    status=PENDING,
                    next_attempt_at=now,
                    created_at=now,
                    exercise=exercise,
                )
            )
            count += 1
    return count


def ack_url(delivery_id: int, *, settings: Settings, now: datetime) -> str:
    """The signed, expiring link that acknowledges ``delivery_id`` on the dashboard."""
    token = make_ack_token(
        delivery_id,
        settings.secret_key,
        expires_at=now + timedelta(hours=settings.ack_link_hours),
    )
    return f"{settings.base_url.rstrip('/')}{ACK_PATH}?token={token}"


def backoff_delay(attempts: int, settings: Settings, retry_after: float | None = None) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: doubling, capped, at least what
    the server asked for."""
    seconds = settings.outbox_backoff_seconds * 2 ** max(attempts - 1, 0)
    seconds = min(seconds, settings.outbox_backoff_max_seconds)
    if retry_after is not None:
        seconds = max(seconds, retry_after)
    return timedelta(seconds=seconds)


def _due(now: datetime):
    return (OutboxMessage.status.in_((PENDING, SENDING)), OutboxMessage.next_attempt_at <= now)


def has_due(engine: Engine, *, now: datetime) -> bool:
    """Whether anything is due; a cheap read so idle workers never take the write lock."""
    with reading(engine) as session:
        # The first due row, not a count: the queue can hold tens of thousands (a roll-call).
        return session.scalar(select(OutboxMessage.id).where(*_due(now)).limit(1)) is not None


def claim_due(engine: Engine, *, now: datetime, settings: Settings) -> list[Job]:
    """Claim up to ``worker_batch_size`` due rows for this worker and build their messages."""
    lease_until = now + CLAIM_LEASE
    with transaction(engine) as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(*_due(now))
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(settings.worker_batch_size)
                # PostgreSQL: concurrent workers skip each other's rows; SQLite ignores this and
                # serialises claims with its write lock instead.
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        rows = session.execute(
            select(OutboxMessage, ChannelTarget, DirectiveDelivery, Directive, Jurisdiction)
            .join(ChannelTarget, ChannelTarget.id == OutboxMessage.channel_target_id)
            .join(DirectiveDelivery, DirectiveDelivery.id == OutboxMessage.delivery_id)
            .join(Directive, Directive.id == DirectiveDelivery.directive_id)
            .join(Jurisdiction, Jurisdiction.code == DirectiveDelivery.jurisdiction_code)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.recipient_id.is_(None))
            .order_by(OutboxMessage.id)
        ).all()
        jobs = []
        for outbox, target, delivery, directive, ward in rows:
            outbox.status = SENDING
            outbox.attempts += 1
            outbox.next_attempt_at = lease_until
            jobs.append(
                Job(
                    message_id=outbox.id,
                    attempt=outbox.attempts,
                    kind=target.kind,
                    target=dict(target.config or {}),
                    message=_message(outbox, delivery, directive, ward, settings, now),
                )
            )
        ready, unusable = build_personal(session, ids, settings=settings, now=now)
        for outbox, target, message in ready:
            outbox.status, outbox.next_attempt_at = SENDING, lease_until
            outbox.attempts += 1
            jobs.append(Job(outbox.id, outbox.attempts, outbox.channel_kind, target, message, True))
        for outbox in unusable:
            outbox.status, outbox.last_error = DEAD, "no message or address for this person"
        return jobs


def _message(
    outbox: OutboxMessage,
    delivery: DirectiveDelivery,
    directive: Directive,
    ward: Jurisdiction,
    settings: Settings,
    now: datetime,
) -> Message:
    lang = settings.default_language
    title = directive.title
    if outbox.purpose == "reminder":
        title = translate("outbox.reminder_prefix", lang) + title
    if directive.exercise:
        title = translate("outbox.drill_prefix", lang) + title
    name = ward.name_en if lang == "en" and ward.name_en else ward.name_ja
    return Message(
        directive_id=directive.id,
        delivery_id=delivery.id,
        message_id=outbox.id,
        purpose=outbox.purpose,
        attempt=outbox.attempts,
        ward_code=ward.code,
        ward_name=name,
        title=title,
        body=directive.body or "",
        priority=directive.priority,
        deadline=directive.deadline,
        ack_url=ack_url(delivery.id, settings=settings, now=now),
        language=lang,
    )


def record_results(
    engine: Engine,
    results: list[tuple[Job, SendResult]],
    *,
    now: datetime,
    settings: Settings,
) -> OutboxReport:
    """Log every attempt and move each row on: sent, back to pending with back-off, or dead."""
    sent = retrying = dead = 0
    with transaction(engine) as session:
        # One read for the batch, not a query (and an autoflush) per message.
        ids = [job.message_id for job, _ in results]
        rows = {
            o.id: o for o in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        }
        for job, result in results:
            session.add(
                OutboxAttempt(
                    message_id=job.message_id, attempted_at=now, ok=result.ok, detail=result.detail
                )
            )
            outbox = rows.get(job.message_id)
            # Claimed again by another worker after our lease ran out: its outcome will count.
            if outbox is None or outbox.status != SENDING or outbox.attempts != job.attempt:
                continue
            if result.ok:
                outbox.status, outbox.sent_at, outbox.last_error = SENT, now, None
                delivery = outbox.delivery_id and session.get(DirectiveDelivery, outbox.delivery_id)
                if delivery is not None and delivery.delivered_at is None:
                    delivery.delivered_at = now
                sent += 1
            elif result.retryable and outbox.attempts < settings.outbox_max_attempts:
                outbox.status, outbox.last_error = PENDING, result.detail
                outbox.next_attempt_at = now + backoff_delay(
                    outbox.attempts, settings, result.retry_after
                )
                retrying += 1
            else:
                outbox.status, outbox.last_error = DEAD, result.detail
                dead += 1
    return OutboxReport(claimed=len(results), sent=sent, retrying=retrying, dead=dead)


def channel_states(session: Session, delivery_ids: Iterable[int]) -> dict[int, list[ChannelState]]:
    """Every outbox row of the deliveries, oldest first, grouped by delivery."""
    ids = list(delivery_ids)
    states: dict[int, list[ChannelState]] = {}
    if not ids:
        return states
    stmt = (
        select(OutboxMessage, ChannelTarget.kind)
        .join(ChannelTarget, ChannelTarget.id == OutboxMessage.channel_target_id)
        .where(OutboxMessage.delivery_id.in_(ids))
        .order_by(OutboxMessage.id)
    )
    for outbox, kind in session.execute(stmt):
        states.setdefault(outbox.delivery_id, []).append(
            ChannelState(
                kind,
                outbox.purpose,
                outbox.status,
                outbox.attempts,
                outbox.last_error,
                outbox.sent_at,
            )
        )
    return states


def renew_claims(engine: Engine, jobs: Iterable[Job], *, now: datetime) -> int:
    """The heartbeat: extend the lease of rows still claimed by these jobs; returns how many.

    A row taken over by another worker (its attempt number moved on) is left alone.
    """
    renewed = 0
    with transaction(engine) as session:
        for job in jobs:
            result = session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == job.message_id,
                    OutboxMessage.status == SENDING,
                    OutboxMessage.attempts == job.attempt,
                )
                .values(next_attempt_at=now + CLAIM_LEASE)
            )
            renewed += result.rowcount
    return renewed
