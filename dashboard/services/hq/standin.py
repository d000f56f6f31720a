"""Stand-in (代行): a directive to a unit with deputies passes from a head who cannot act to the
first deputy, then the next, in the unit's fixed order.

It passes when the holder has not acknowledged within the priority's minutes
(``Settings.standin_after_minutes``), or at once when the holder answered an open roll-call of the
same mode as injured or unable to come (``UNAVAILABLE``), or left the roster. Each step is a
``DeliveryHandover`` row (append-only, one per rank: two workers never pass the same step twice),
an audit entry and a personal message to the new holder. The delivery worker runs
``hand_over_overdue`` on every cycle; the first read is cheap, so idle cycles never take the write
lock. Anyone holding the unit may acknowledge at any time; a handover only changes who is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.channels import Message
from dashboard.domain import SYSTEM
from dashboard.i18n import translate
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.delivery import PersonalMessage, ack_url, register_personal_source
from dashboard.services.hq.units import holders_in_force
from dashboard.services.modes import exercise_now
from dashboard.services.rollcall import unavailable_numbers
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    DeliveryHandover,
    Directive,
    DirectiveDelivery,
    Jurisdiction,
    OutboxMessage,
    UnitHolder,
    User,
    utcnow,
)

# Why a directive passed on: no 了解 in time, the roll-call answer, the holder left the roster.
REASONS = ("timeout", "rollcall", "vacant")
# Outbox purpose of the personal message to the new holder.
PURPOSE_STANDIN = "standin"


@dataclass(frozen=True)
class Step:
    rank: int
    holder_id: int
    reason: str


def current_holding(session: Session, delivery_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """(rank, since) of the latest handover per delivery; absent: the head since it was sent."""
    if not delivery_ids:
        return {}
    latest = (
        select(DeliveryHandover.delivery_id, func.max(DeliveryHandover.rank).label("rank"))
        .where(DeliveryHandover.delivery_id.in_(delivery_ids))
        .group_by(DeliveryHandover.delivery_id)
        .subquery()
    )
    rows = session.execute(
        select(DeliveryHandover.delivery_id, DeliveryHandover.rank, DeliveryHandover.at).join(
            latest,
            (latest.c.delivery_id == DeliveryHandover.delivery_id)
            & (latest.c.rank == DeliveryHandover.rank),
        )
    )
    return {delivery_id: (rank, at) for delivery_id, rank, at in rows}


def plan_steps(
    holders: list[UnitHolder],
    rank: int,
    since: datetime,
    *,
    unable: set[str],
    now: datetime,
    minutes: int,
) -> list[Step]:
    """The handovers due now for a delivery held at ``rank`` since ``since``."""
    by_rank = {h.rank: h for h in holders}
    steps: list[Step] = []
    while True:
        following = [h for h in holders if h.rank > rank]
        if not following:
            return steps
        holder = by_rank.get(rank)
        if holder is None:
            reason = "vacant"
        elif holder.employee_number and holder.employee_number in unable:
            reason = "rollcall"
        elif now - since >= timedelta(minutes=minutes):
            reason = "timeout"
        else:
            return steps
        steps.append(Step(following[0].rank, following[0].id, reason))
        rank, since = following[0].rank, now


def _open_deliveries(session: Session, exercise: bool, ids: list[int] | None = None):
    with_holders = select(UnitHolder.unit_code).where(UnitHolder.valid_to.is_(None))
    stmt = (
        select(DirectiveDelivery, Directive)
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .where(
            Directive.exercise.is_(exercise),
            DirectiveDelivery.acknowledged_at.is_(None),
            DirectiveDelivery.jurisdiction_code.in_(with_holders),
        )
        .order_by(DirectiveDelivery.id)
    )
    if ids is not None:
        stmt = stmt.where(DirectiveDelivery.id.in_(ids)).with_for_update(
            of=DirectiveDelivery, skip_locked=True
        )
    return session.execute(stmt).all()


def _plans(session: Session, rows, *, exercise: bool, now: datetime, settings: Settings):
    units = sorted({d.jurisdiction_code for d, _ in rows})
    in_force = holders_in_force(session, units)
    numbers = {h.employee_number for hs in in_force.values() for h in hs if h.employee_number}
    unable = unavailable_numbers(session, numbers, exercise=exercise)
    holding = current_holding(session, [d.id for d, _ in rows])
    plans = []
    for delivery, directive in rows:
        holders = in_force.get(delivery.jurisdiction_code, [])
        if len(holders) < 2:
            continue
        rank, since = holding.get(delivery.id, (holders[0].rank, directive.issued_at))
        steps = plan_steps(
            holders,
            rank,
            since,
            unable=unable,
            now=now,
            minutes=settings.standin_after_minutes(directive.priority),
        )
        if steps:
            plans.append((delivery, directive, steps))
    return plans


def hand_over_overdue(
    engine: Engine, *, now: datetime | None = None, settings: Settings | None = None
) -> int:
    """Pass every due directive on to the next deputy; returns how many steps were taken."""
    settings = settings or get_settings()
    now = now or utcnow()
    with reading(engine) as session:
        exercise = exercise_now(session)
        due = _plans(
            session,
            _open_deliveries(session, exercise),
            exercise=exercise,
            now=now,
            settings=settings,
        )
    if not due:
        return 0
    taken = 0
    handed: list[DirectiveDelivery] = []
    with transaction(engine) as session:
        # Planned again under the lock: a 了解 or another worker may have come first.
        rows = _open_deliveries(session, exercise, [d.id for d, _, _ in due])
        for delivery, directive, steps in _plans(
            session, rows, exercise=exercise, now=now, settings=settings
        ):
            for step in steps:
                session.add(
                    DeliveryHandover(
                        delivery_id=delivery.id,
                        rank=step.rank,
                        holder_id=step.holder_id,
                        reason=step.reason,
                        at=now,
                    )
                )
                record_audit(
                    session,
                    SYSTEM,
                    AuditAction.DIRECTIVE_HANDED_OVER,
                    entity="directive_delivery",
                    entity_id=delivery.id,
                    detail={
                        "ward": delivery.jurisdiction_code,
                        "rank": step.rank,
                        "reason": step.reason,
                    },
                    exercise=directive.exercise,
                    at=now,
                )
                taken += 1
            handed.append(delivery)
        session.flush()
        # The new holders' messages in one go (one mode: the plan keeps to the current one).
        enqueue_holder_messages(session, handed, exercise=exercise, now=now)
    return taken


def _holder_now(session: Session, delivery_ids: list[int]) -> dict[int, tuple[int, User]]:
    """(rank, account) of whoever holds each delivery now."""
    rows = session.execute(
        select(DirectiveDelivery.id, DirectiveDelivery.jurisdiction_code).where(
            DirectiveDelivery.id.in_(delivery_ids)
        )
    ).all()
    in_force = holders_in_force(session, sorted({code for _, code in rows}))
    holding = current_holding(session, delivery_ids)
    users = {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_({h.user_id for hs in in_force.values() for h in hs}))
        )
    }
    found = {}
    for delivery_id, code in rows:
        holders = in_force.get(code, [])
        if not holders:
            continue
        rank = holding.get(delivery_id, (holders[0].rank, None))[0]
        holder = next((h for h in holders if h.rank >= rank), holders[-1])
        found[delivery_id] = (holder.rank, users[holder.user_id])
    return found


def _addresses(user: User) -> dict[str, dict]:
    addresses = {}
    if user.lineworks_user_id:
        addresses["lineworks"] = {"user_id": user.lineworks_user_id}
    if user.email:
        addresses["email"] = {"to": [user.email]}
    return addresses


def enqueue_holder_messages(
    session: Session, deliveries: list[DirectiveDelivery], *, exercise: bool, now: datetime
) -> int:
    """Queue a personal message to whoever holds each delivery now, on each of their channels
    (in the caller's transaction); deliveries of units without holders get none. A message still
    waiting is not doubled (a stand-in and a reminder in the same worker cycle send one)."""
    holders = _holder_now(session, [d.id for d in deliveries])
    waiting = set(
        session.execute(
            select(OutboxMessage.delivery_id, OutboxMessage.channel_kind).where(
                OutboxMessage.delivery_id.in_(list(holders)),
                OutboxMessage.purpose == PURPOSE_STANDIN,
                OutboxMessage.status == "pending",
            )
        ).all()
    )
    count = 0
    for delivery in deliveries:
        if delivery.id not in holders:
            continue
        for kind in _addresses(holders[delivery.id][1]):
            if (delivery.id, kind) in waiting:
                continue
            session.add(
                OutboxMessage(
                    delivery_id=delivery.id,
                    channel_kind=kind,
                    purpose=PURPOSE_STANDIN,
                    status="pending",
                    next_attempt_at=now,
                    created_at=now,
                    exercise=exercise,
                )
            )
            count += 1
    return count


def build_standin_messages(
    session: Session, delivery_ids: list[int], purpose: str, settings: Settings, now: datetime
) -> dict[int, PersonalMessage]:
    """The personal source: the directive for whoever holds each delivery when it is sent."""
    lang = settings.default_language
    holders = _holder_now(session, delivery_ids)
    rows = session.execute(
        select(DirectiveDelivery, Directive, Jurisdiction)
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .join(Jurisdiction, Jurisdiction.code == DirectiveDelivery.jurisdiction_code)
        .where(DirectiveDelivery.id.in_(list(holders)))
    ).all()
    built = {}
    for delivery, directive, unit in rows:
        rank, user = holders[delivery.id]
        title = (
            translate("hq.standin_prefix", lang, holder=rank_label(rank, lang)) + directive.title
        )
        if directive.exercise:
            title = translate("outbox.drill_prefix", lang) + title
        message = Message(
            directive_id=directive.id,
            delivery_id=delivery.id,
            ward_code=unit.code,
            ward_name=unit.name_en if lang == "en" and unit.name_en else unit.name_ja,
            title=title,
            body=directive.body or "",
            priority=directive.priority,
            deadline=directive.deadline,
            ack_url=ack_url(delivery.id, settings=settings, now=now),
            language=lang,
            purpose="reminder",
        )
        built[delivery.id] = PersonalMessage(message, _addresses(user))
    return built


def rank_label(rank: int | None, lang: str) -> str:
    """本部員 (head) or 代行者n (deputy n)."""
    if rank is None:
        return ""
    if rank == 0:
        return translate("hq.rank.head", lang)
    return translate("hq.rank.deputy", lang, n=rank)


register_personal_source((PURPOSE_STANDIN,), build_standin_messages)
