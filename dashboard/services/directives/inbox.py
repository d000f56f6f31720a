"""The ward inbox: what a ward received, and its steps on each directive.

A delivery moves forward only: delivered → read (既読) → acknowledged (了解) → answered; a later
step implies the earlier ones, and a step already reached keeps its first time (acknowledging twice
changes nothing). Answers may be given again (in progress, then done); each answer is kept in the
audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, aliased

from dashboard.domain import Actor, Role
from dashboard.errors import NotFound, PermissionDenied, StorageUnavailable, ValidationFailed
from dashboard.services.areas import require_usable, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.directives.send import BODY_MAX
from dashboard.services.hq import current_holding
from dashboard.services.inputs import strip_text
from dashboard.services.modes import exercise_now
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Directive, DirectiveDelivery, User, utcnow

# Who acknowledges and answers for a jurisdiction: the ward head; for a whole city (a directive
# from the governor) its mayor or crisis-management office.
ACK_ROLES = frozenset({Role.WARD_HEAD, Role.MAYOR, Role.CRISIS_ADMIN})
# How a ward answers: done, in progress, or cannot comply (with a reason).
ANSWER_STATUSES = ("done", "in_progress", "cannot")
# Wards escalated within this window are flagged in the sender's banner (older ones on the board).
ESCALATED_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class InboxItem:
    """A directive as the receiving ward sees it."""

    delivery_id: int
    directive_id: int
    kind: str
    title: str
    body: str
    priority: str
    deadline: datetime | None
    issued_at: datetime
    issued_by: str | None
    read_at: datetime | None
    acknowledged_at: datetime | None
    answered_at: datetime | None
    answer_status: str | None
    answer_text: str | None
    reminder_count: int
    exercise: bool
    # Passed on to deputy n of the unit (代行); None while the head holds it.
    holder_rank: int | None = None

    @property
    def status(self) -> str:
        """The furthest step reached: unread, read, acknowledged or answered."""
        if self.answered_at:
            return "answered"
        if self.acknowledged_at:
            return "acknowledged"
        return "read" if self.read_at else "unread"


@dataclass(frozen=True)
class InboxSummary:
    """What the banner on every page shows."""

    unread: int = 0
    # Deliveries waiting for this actor's 了解 (only for those who may acknowledge).
    unacknowledged: int = 0
    newest: InboxItem | None = None
    # For senders: wards flagged for not acknowledging directives in the actor's scope.
    escalated: int = 0


def deliveries_query():
    """Deliveries with their directive and the issuer's name, newest first (also for links)."""
    issuer = aliased(User)
    return (
        select(DirectiveDelivery, Directive, issuer.display_name)
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .outerjoin(issuer, issuer.id == Directive.issued_by_id)
        .order_by(Directive.issued_at.desc(), Directive.id.desc())
    )


def _inbox_query(actor: Actor, exercise: bool):
    require_usable(actor)
    return deliveries_query().where(
        DirectiveDelivery.jurisdiction_code == actor.jurisdiction_code,
        Directive.exercise == exercise,
    )


def inbox_item(
    delivery: DirectiveDelivery, directive: Directive, issued_by: str | None
) -> InboxItem:
    """A row of ``deliveries_query`` as the ward sees it."""
    return InboxItem(
        delivery_id=delivery.id,
        directive_id=directive.id,
        kind=directive.kind,
        title=directive.title,
        body=directive.body,
        priority=directive.priority,
        deadline=directive.deadline,
        issued_at=directive.issued_at,
        issued_by=issued_by,
        read_at=delivery.read_at,
        acknowledged_at=delivery.acknowledged_at,
        answered_at=delivery.answered_at,
        answer_status=delivery.answer_status,
        answer_text=delivery.answer_text,
        reminder_count=delivery.reminder_count,
        exercise=directive.exercise,
    )


def list_inbox(engine: Engine, actor: Actor, *, limit: int = 50) -> list[InboxItem]:
    """Directives addressed to the actor's own jurisdiction, newest first."""
    with reading(engine) as session:
        rows = session.execute(_inbox_query(actor, exercise_now(session)).limit(limit)).all()
        holding = current_holding(session, [d.id for d, _, _ in rows])
        return [
            replace(inbox_item(*row), holder_rank=holding.get(row[0].id, (None,))[0])
            for row in rows
        ]


def may_acknowledge(actor: Actor) -> bool:
    return actor.role in ACK_ROLES


def inbox_summary(engine: Engine, actor: Actor, *, now: datetime | None = None) -> InboxSummary:
    """The banner's poll: unread and unacknowledged counts and the newest open directive.

    What it returns is on the ward's screen, so deliveries not yet marked delivered are marked.
    """
    now = now or utcnow()
    with reading(engine) as session:
        exercise = exercise_now(session)
        open_rows = session.execute(
            _inbox_query(actor, exercise).where(DirectiveDelivery.acknowledged_at.is_(None))
        ).all()
        escalated = _escalated_in_scope(session, actor, exercise, now) if actor.is_command else 0
    items = [inbox_item(*row) for row in open_rows]
    unread = [i for i in items if i.read_at is None]
    undelivered = [d.id for d, _, _ in open_rows if d.delivered_at is None]
    if undelivered:
        try:
            with transaction(engine) as session:
                session.execute(
                    update(DirectiveDelivery)
                    .where(DirectiveDelivery.id.in_(undelivered))
                    .where(DirectiveDelivery.delivered_at.is_(None))
                    .values(delivered_at=now)
                )
        except StorageUnavailable:
            # The database takes no writes right now (SQLite locked by a long writer): the ward
            # still sees its directives; the receipt is stored by the next poll.
            pass
    unacknowledged = items if may_acknowledge(actor) else []
    newest = (unread or unacknowledged or [None])[0]
    return InboxSummary(len(unread), len(unacknowledged), newest, escalated)


def _escalated_in_scope(session: Session, actor: Actor, exercise: bool, now: datetime) -> int:
    scope = scope_codes(session, actor)
    stmt = (
        select(func.count())
        .select_from(DirectiveDelivery)
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .where(
            Directive.exercise == exercise,
            Directive.scope_code.in_(scope),
            DirectiveDelivery.escalated_at >= now - ESCALATED_WINDOW,
            DirectiveDelivery.acknowledged_at.is_(None),
        )
    )
    return session.scalar(stmt) or 0


def _own_delivery(session: Session, actor: Actor, delivery_id: int) -> DirectiveDelivery:
    require_usable(actor)
    delivery = session.get(DirectiveDelivery, delivery_id)
    if delivery is None:
        raise NotFound()
    if delivery.jurisdiction_code != actor.jurisdiction_code:
        raise PermissionDenied("directive.other_ward")
    return delivery


def step_read(delivery: DirectiveDelivery, user_id: int | None, now: datetime) -> bool:
    """Mark read (and delivered); True if this is the first time."""
    if delivery.delivered_at is None:
        delivery.delivered_at = now
    if delivery.read_at is not None:
        return False
    delivery.read_at, delivery.read_by_id = now, user_id
    return True


def step_acknowledge(delivery: DirectiveDelivery, user_id: int | None, now: datetime) -> bool:
    """Mark acknowledged (and read); True if this is the first time."""
    step_read(delivery, user_id, now)
    if delivery.acknowledged_at is not None:
        return False
    delivery.acknowledged_at, delivery.acknowledged_by_id = now, user_id
    return True


def mark_read(
    engine: Engine, actor: Actor, delivery_id: int, *, now: datetime | None = None
) -> bool:
    """Record that the ward opened the directive (既読); True the first time only."""
    now = now or utcnow()
    with transaction(engine) as session:
        delivery = _own_delivery(session, actor, delivery_id)
        if not step_read(delivery, actor.user_id, now):
            return False
        record_audit(
            session,
            actor,
            AuditAction.DIRECTIVE_READ,
            entity="directive_delivery",
            entity_id=delivery.id,
            exercise=delivery.directive.exercise,
            at=now,
        )
        return True


def acknowledge(
    engine: Engine, actor: Actor, delivery_id: int, *, now: datetime | None = None
) -> datetime:
    """了解: the ward head confirms the directive; returns the (first) acknowledgement time."""
    now = now or utcnow()
    if not may_acknowledge(actor):
        raise PermissionDenied("directive.ack_forbidden")
    with transaction(engine) as session:
        delivery = _own_delivery(session, actor, delivery_id)
        if step_acknowledge(delivery, actor.user_id, now):
            audit_acknowledgement(session, actor, delivery, via="dashboard", now=now)
        return delivery.acknowledged_at


def audit_acknowledgement(
    session: Session, actor: Actor, delivery: DirectiveDelivery, *, via: str, now: datetime
) -> None:
    """The audit entry of a first 了解, naming how it came (dashboard, answer, link, LINE WORKS)."""
    record_audit(
        session,
        actor,
        AuditAction.DIRECTIVE_ACKNOWLEDGED,
        entity="directive_delivery",
        entity_id=delivery.id,
        detail={"ward": delivery.jurisdiction_code, "via": via},
        exercise=delivery.directive.exercise,
        at=now,
    )


def answer(
    engine: Engine,
    actor: Actor,
    delivery_id: int,
    *,
    status: str,
    text: str = "",
    now: datetime | None = None,
) -> None:
    """Answer a directive: done, in progress, or cannot comply (a reason is required).

    Answering acknowledges (and reads) the directive if that had not happened yet. Sending the
    same answer again (a retry after an outage, a double click) changes and records nothing.
    """
    now = now or utcnow()
    text = strip_text(text)
    if not may_acknowledge(actor):
        raise PermissionDenied("directive.ack_forbidden")
    if status not in ANSWER_STATUSES:
        raise ValidationFailed({"status": ("directive.answer_status_invalid", {})})
    if status == "cannot" and not text:
        raise ValidationFailed({"text": ("directive.reason_required", {})})
    if len(text) > BODY_MAX:
        raise ValidationFailed({"text": ("directive.too_long", {"maximum": BODY_MAX})})
    with transaction(engine) as session:
        delivery = _own_delivery(session, actor, delivery_id)
        if (delivery.answer_status, delivery.answer_text) == (status, text or None):
            return
        if step_acknowledge(delivery, actor.user_id, now):
            audit_acknowledgement(session, actor, delivery, via="answer", now=now)
        delivery.answered_at, delivery.answered_by_id = now, actor.user_id
        delivery.answer_status, delivery.answer_text = status, text or None
        record_audit(
            session,
            actor,
            AuditAction.DIRECTIVE_ANSWERED,
            entity="directive_delivery",
            entity_id=delivery.id,
            detail={"ward": delivery.jurisdiction_code, "status": status, "text": text},
            exercise=delivery.directive.exercise,
            at=now,
        )


def unread_count(engine: Engine, actor: Actor) -> int:
    """Directives the actor's jurisdiction has not opened yet (current mode)."""
    require_usable(actor)
    with reading(engine) as session:
        stmt = (
            select(func.count())
            .select_from(DirectiveDelivery)
            .join(Directive, Directive.id == DirectiveDelivery.directive_id)
            .where(
                DirectiveDelivery.jurisdiction_code == actor.jurisdiction_code,
                DirectiveDelivery.read_at.is_(None),
                Directive.exercise == exercise_now(session),
            )
        )
        return session.scalar(stmt) or 0
