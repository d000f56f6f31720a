"""Reminders: re-sending to wards that have not acknowledged, by hand (the board's button) or by
the delivery worker's periodic job ``escalate_overdue`` (wards past their priority's minutes are
reminded on every channel and flagged)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.domain import SYSTEM, Actor
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.delivery import enqueue_messages
from dashboard.services.directives.board import visible_directive
from dashboard.services.hq import enqueue_holder_messages
from dashboard.services.modes import exercise_now
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Directive, DirectiveDelivery, utcnow

# A re-send skips wards reminded this recently, so a double click reminds once.
RESEND_GUARD = timedelta(minutes=1)


def _remind(
    session: Session,
    deliveries: list[DirectiveDelivery],
    *,
    exercise: bool,
    now: datetime,
    holders: bool = True,
) -> int:
    for item in deliveries:
        item.reminder_count += 1
        item.last_reminded_at = now
    session.flush()
    queued = enqueue_messages(session, deliveries, purpose="reminder", exercise=exercise, now=now)
    if holders:
        # Units with a head and deputies: whoever holds the directive now is reminded personally.
        queued += enqueue_holder_messages(session, deliveries, exercise=exercise, now=now)
    return queued


def resend_unacknowledged(
    engine: Engine, actor: Actor, directive_id: int, *, now: datetime | None = None
) -> int:
    """Remind every ward that has not acknowledged, on every channel; returns how many wards.

    Wards reminded within the last minute are skipped, so a double click reminds once.
    """
    now = now or utcnow()
    with transaction(engine) as session:
        directive = visible_directive(session, actor, directive_id)
        deliveries = [
            d
            for d in directive.deliveries
            if d.acknowledged_at is None
            and (d.last_reminded_at is None or now - d.last_reminded_at >= RESEND_GUARD)
        ]
        if not deliveries:
            return 0
        queued = _remind(session, deliveries, exercise=directive.exercise, now=now)
        record_audit(
            session,
            actor,
            AuditAction.DIRECTIVE_RESENT,
            entity="directive",
            entity_id=directive.id,
            detail={"wards": [d.jurisdiction_code for d in deliveries], "outbox": queued},
            exercise=directive.exercise,
            at=now,
        )
        return len(deliveries)


def escalate_overdue(
    engine: Engine, *, now: datetime | None = None, settings: Settings | None = None
) -> int:
    """Remind and flag every ward that has not acknowledged within its priority's minutes.

    A ward is reminded again after each further interval, at most ``max_reminders`` times.
    Returns how many wards were reminded. Run by the delivery worker on every cycle.
    """
    settings = settings or get_settings()
    now = now or utcnow()
    with reading(engine) as session:
        exercise = exercise_now(session)
        candidates = session.execute(
            select(
                DirectiveDelivery.id,
                Directive.priority,
                func.coalesce(DirectiveDelivery.last_reminded_at, Directive.issued_at),
            )
            .join(Directive, Directive.id == DirectiveDelivery.directive_id)
            .where(
                Directive.exercise == exercise,
                DirectiveDelivery.acknowledged_at.is_(None),
                DirectiveDelivery.reminder_count < settings.max_reminders,
            )
        ).all()
    due = [
        delivery_id
        for delivery_id, priority, since in candidates
        if now - since >= timedelta(minutes=settings.escalation_after_minutes(priority))
    ]
    if not due:
        return 0
    reminded: list[tuple[DirectiveDelivery, bool]] = []
    with transaction(engine) as session:
        # Re-checked under the write lock: another worker may have reminded them meanwhile.
        rows = session.execute(
            select(DirectiveDelivery, Directive)
            .join(Directive, Directive.id == DirectiveDelivery.directive_id)
            .where(
                DirectiveDelivery.id.in_(due),
                DirectiveDelivery.acknowledged_at.is_(None),
                DirectiveDelivery.reminder_count < settings.max_reminders,
            )
            .with_for_update(of=DirectiveDelivery, skip_locked=True)
        ).all()
        for delivery, directive in rows:
            since = delivery.last_reminded_at or directive.issued_at
            minutes = settings.escalation_after_minutes(directive.priority)
            if now - since < timedelta(minutes=minutes):
                continue
            if delivery.escalated_at is None:
                delivery.escalated_at = now
            _remind(session, [delivery], exercise=directive.exercise, now=now, holders=False)
            record_audit(
                session,
                SYSTEM,
                AuditAction.DIRECTIVE_ESCALATED,
                entity="directive_delivery",
                entity_id=delivery.id,
                detail={"ward": delivery.jurisdiction_code, "reminder": delivery.reminder_count},
                exercise=directive.exercise,
                at=now,
            )
            reminded.append((delivery, directive.exercise))
        # The holders' personal reminders in one go (a few queries, not a few per delivery).
        for exercise in {e for _, e in reminded}:
            group = [d for d, e in reminded if e == exercise]
            enqueue_holder_messages(session, group, exercise=exercise, now=now)
    return len(reminded)
