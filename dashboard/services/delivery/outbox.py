"""The delivery queue (outbox) and its worker: directives leave the dashboard outside the click.

Sending a directive only adds ``OutboxMessage`` rows in the same transaction as the directive.
A worker — a thread in each app process, or ``python -m dashboard run-worker`` — claims due rows,
sends each through its channel *outside* any database transaction, and logs every attempt.

Claiming is safe with several workers on one database: on PostgreSQL the due rows are locked with
``SELECT ... FOR UPDATE SKIP LOCKED`` (each worker gets different rows); on SQLite the claim runs
under the database's single write lock (``BEGIN IMMEDIATE``). A claimed row is marked ``sending``
with a lease in ``next_attempt_at``: if its worker dies mid-send, the row is claimed again once the
lease has run out. Failures are retried with exponential back-off until ``outbox_max_attempts``,
then the row is ``dead`` and shown on the tracking board with its last error.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.channels import CHANNELS, Channel, Message, SendResult
from dashboard.channels.signing import make_ack_token
from dashboard.domain import COMMAND_ROLES, Actor
from dashboard.errors import NotFound, ValidationFailed
from dashboard.i18n import translate
from dashboard.services.areas import require_in_scope, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.delivery.personal import build_personal
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    ChannelTarget,
    Directive,
    DirectiveDelivery,
    Jurisdiction,
    OutboxAttempt,
    OutboxMessage,
    utcnow,
)

# Row states of an outbox message.
PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
# What an outbox row is for: the directive itself or a reminder to acknowledge it.
PURPOSES = ("directive", "reminder")
# Path of the acknowledgement page under the dashboard's base URL.
ACK_PATH = "/ack"
# How many attempt details the worker logs at most per failing cycle (keeps logs readable).
LOG_DETAILS = 5

logger = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class TargetView:
    id: int
    jurisdiction_code: str
    kind: str
    config: dict[str, Any]
    enabled: bool


def add_channel_target(
    engine: Engine,
    actor: Actor,
    *,
    jurisdiction_code: str,
    kind: str,
    config: dict[str, Any],
    channels: dict[str, Channel] = CHANNELS,
) -> int:
    """Register where a ward receives directives (e.g. its LINE WORKS talk room); checked by the
    channel itself. Only non-secret addressing goes here; secrets stay in settings."""
    require_role(actor, COMMAND_ROLES)
    channel = channels.get(kind)
    if channel is None:
        raise ValidationFailed({"kind": ("outbox.kind_invalid", {"kinds": ", ".join(channels)})})
    problems = channel.validate_target(config)
    if problems:
        first = problems[0]  # the form has one address field: one thing to fix at a time
        raise ValidationFailed({"config": (first.key, first.params)})
    with transaction(engine) as session:
        require_in_scope(session, actor, [jurisdiction_code])
        target = ChannelTarget(jurisdiction_code=jurisdiction_code, kind=kind, config=config)
        session.add(target)
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.CHANNEL_TARGET_ADDED,
            entity="channel_target",
            entity_id=target.id,
            detail={"ward": jurisdiction_code, "kind": kind},
        )
        return target.id


def set_channel_target_enabled(engine: Engine, actor: Actor, target_id: int, enabled: bool) -> None:
    """Switch a channel target on or off (kept for the record rather than deleted)."""
    require_role(actor, COMMAND_ROLES)
    with transaction(engine) as session:
        target = session.get(ChannelTarget, target_id)
        if target is None:
            raise NotFound()
        require_in_scope(session, actor, [target.jurisdiction_code])
        target.enabled = enabled
        action = (
            AuditAction.CHANNEL_TARGET_ENABLED if enabled else AuditAction.CHANNEL_TARGET_DISABLED
        )
        record_audit(session, actor, action, entity="channel_target", entity_id=target.id)


def list_channel_targets(engine: Engine, actor: Actor) -> list[TargetView]:
    """Channel targets of the jurisdictions in the actor's scope."""
    require_role(actor, COMMAND_ROLES)
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = select(ChannelTarget).order_by(ChannelTarget.jurisdiction_code, ChannelTarget.id)
        return [
            TargetView(t.id, t.jurisdiction_code, t.kind, dict(t.config or {}), t.enabled)
            for t in session.scalars(stmt)
            if t.jurisdiction_code in scope
        ]


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


def claim_lease(settings: Settings) -> timedelta:
    """How long a claimed row stays with its worker: a LINE WORKS send can make three calls."""
    return timedelta(seconds=4 * settings.channel_timeout_seconds + 30)


def _due(now: datetime):
    return (OutboxMessage.status.in_((PENDING, SENDING)), OutboxMessage.next_attempt_at <= now)


def has_due(engine: Engine, *, now: datetime) -> bool:
    """Whether anything is due; a cheap read so idle workers never take the write lock."""
    with reading(engine) as session:
        return session.scalar(select(func.count()).where(*_due(now))) > 0


def claim_due(engine: Engine, *, now: datetime, settings: Settings) -> list[Job]:
    """Claim up to ``worker_batch_size`` due rows for this worker and build their messages."""
    lease_until = now + claim_lease(settings)
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
        ward_code=ward.code,
        ward_name=name,
        title=title,
        body=directive.body or "",
        priority=directive.priority,
        deadline=directive.deadline,
        ack_url=ack_url(delivery.id, settings=settings, now=now),
        language=lang,
    )


def send_job(
    job: Job,
    channels: dict[str, Channel],
    credentials: dict[str, dict[str, Any]],
    *,
    timeout: float,
) -> SendResult:
    """Send one job; never raises (a bug in a channel must not stop the other channels)."""
    channel = channels.get(job.kind)
    if channel is None:
        return SendResult.failed(f"unknown channel kind {job.kind!r}", retryable=False)
    try:
        return channel.send(job.message, job.target, credentials.get(job.kind, {}), timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - logged as a failed attempt and retried
        return SendResult.failed(f"{job.kind}: {type(exc).__name__}: {exc}", retryable=True)


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
        for job, result in results:
            session.add(
                OutboxAttempt(
                    message_id=job.message_id, attempted_at=now, ok=result.ok, detail=result.detail
                )
            )
            outbox = session.get(OutboxMessage, job.message_id)
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


def run_outbox_once(
    engine: Engine,
    *,
    now: datetime | None = None,
    channels: dict[str, Channel] = CHANNELS,
    credentials: dict[str, dict[str, Any]] | None = None,
    settings: Settings | None = None,
) -> OutboxReport:
    """Claim the due messages, send them in parallel outside the database, record the outcome.

    ``now`` schedules claims and retries (tests inject it); the sends themselves happen at once.
    """
    settings = settings or get_settings()
    now = now or utcnow()
    credentials = credentials if credentials is not None else settings.channel_credentials()
    if not has_due(engine, now=now):
        return OutboxReport()
    jobs = claim_due(engine, now=now, settings=settings)
    if not jobs:
        return OutboxReport()
    timeout = settings.channel_timeout_seconds
    with ThreadPoolExecutor(max_workers=min(settings.worker_concurrency, len(jobs))) as pool:
        outcomes = list(
            pool.map(lambda job: send_job(job, channels, credentials, timeout=timeout), jobs)
        )
    results = list(zip(jobs, outcomes, strict=True))
    failures = [
        f"{job.kind} #{job.message_id}" + ("" if job.personal else f": {r.detail}")
        for job, r in results
        if not r.ok
    ]
    if failures:
        logger.warning("outbox: %d failed attempt(s): %s", len(failures), failures[:LOG_DETAILS])
    return record_results(engine, results, now=now, settings=settings)


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


def run_worker_cycle(engine: Engine, *, now: datetime, settings: Settings) -> OutboxReport:
    """One tick of the worker: remind overdue wards, then send what is due."""
    # Imported here: directives enqueue through this module, so a top-level import would cycle.
    from dashboard.services.directives import escalate_overdue
    from dashboard.services.rollcall import remind_unanswered

    escalate_overdue(engine, now=now, settings=settings)
    remind_unanswered(engine, now=now)
    return run_outbox_once(engine, now=now, settings=settings)


def worker_loop(
    engine: Engine,
    *,
    stop: threading.Event,
    settings: Settings | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    """Run worker cycles until ``stop`` is set; errors are logged and the loop goes on."""
    settings = settings or get_settings()
    failing = False
    while not stop.is_set():
        report = OutboxReport()
        try:
            report = run_worker_cycle(engine, now=clock(), settings=settings)
            failing = False
        except Exception:  # noqa: BLE001 - a database hiccup must not end delivery for good
            if not failing:
                logger.exception("delivery worker cycle failed; retrying")
            failing = True
        # A full batch means more is waiting: go on at once.
        if report.claimed < settings.worker_batch_size:
            stop.wait(settings.worker_interval_seconds)


class Worker:
    """A delivery worker thread (one per app process); ``stop()`` ends it after its cycle."""

    # Every started worker that has not been stopped, for a clean shutdown (and for tests).
    live: ClassVar[set[Worker]] = set()

    def __init__(self, engine: Engine, settings: Settings | None = None) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=worker_loop,
            args=(engine,),
            kwargs={"stop": self.stop_event, "settings": settings},
            name="delivery-worker",
            daemon=True,
        )

    @classmethod
    def start(cls, engine: Engine, settings: Settings | None = None) -> Worker:
        worker = cls(engine, settings)
        worker.thread.start()
        cls.live.add(worker)
        return worker

    def stop(self, timeout: float | None = None) -> None:
        self.stop_event.set()
        Worker.live.discard(self)
        if timeout is not None:
            self.thread.join(timeout)


def stop_all_workers(timeout: float = 10) -> None:
    """Stop every worker thread of this process and wait for each to finish its cycle."""
    for worker in list(Worker.live):
        worker.stop(timeout)


def run_until_signalled(engine: Engine, settings: Settings | None = None) -> str:
    """Run the worker in the foreground until SIGINT or SIGTERM (the ``run-worker`` command)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    logger.info("delivery worker running")
    worker_loop(engine, stop=stop, settings=settings)
    return "delivery worker stopped"
