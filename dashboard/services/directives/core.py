"""Directives (指示): the mayor or governor instructs wards, and knows who has acted on it.

A directive has one *delivery* per target ward. A delivery moves forward only:
delivered → read (既読) → acknowledged (了解) → answered; a later step implies the earlier ones,
and a step already reached keeps its first time (acknowledging twice changes nothing). Answers
may be given again (in progress, then done); each answer is kept in the audit log.

Sending stores the directive, its deliveries and the outbox rows for every channel of every ward
in one transaction, once per ``submission_id``. Wards not acknowledging in time are reminded on
every channel and flagged (``escalate_overdue``, run by the delivery worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import geopandas as gpd
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from dashboard.channels.base import PRIORITIES
from dashboard.channels.lineworks import parse_callback, verify_callback_signature
from dashboard.channels.signing import AckTokenError, verify_ack_token
from dashboard.domain import COMMAND_ROLES, SYSTEM, Actor, Role
from dashboard.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from dashboard.i18n import translate
from dashboard.services.areas import area_frame, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.delivery import ChannelState, channel_states, enqueue_messages
from dashboard.services.modes import exercise_now
from dashboard.services.situation import ward_situations
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    ChannelTarget,
    Directive,
    DirectiveDelivery,
    Jurisdiction,
    User,
    utcnow,
)

# Who may send directives: the governor, the mayor and the crisis-management office.
SENDER_ROLES = COMMAND_ROLES
# Who acknowledges and answers for a jurisdiction: the ward head; for a whole city (a directive
# from the governor) its mayor or crisis-management office.
ACK_ROLES = frozenset({Role.WARD_HEAD, Role.MAYOR, Role.CRISIS_ADMIN})
# Situation level from which a ward is suggested as a target (the two highest levels, 3 and 4).
TARGET_MIN_LEVEL = 3
# Why a ward is suggested, in the order the reasons are listed.
TARGET_REASONS = ("level", "full_shelter", "silent")
# Longest title and body accepted (a directive is read on a phone).
TITLE_MAX = 200
BODY_MAX = 4000
# How a ward answers: done, in progress, or cannot comply (with a reason).
ANSWER_STATUSES = ("done", "in_progress", "cannot")
# A re-send skips wards reminded this recently, so a double click reminds once.
RESEND_GUARD = timedelta(minutes=1)
# Wards escalated within this window are flagged in the sender's banner (older ones on the board).
ESCALATED_WINDOW = timedelta(hours=24)
# Kinds of directive: an ordinary instruction, or the disaster-mode roll call.
KINDS = ("directive", "declaration")


@dataclass(frozen=True)
class DirectiveTemplate:
    """A common instruction; its title and body are the texts ``template.<key>.title|body``."""

    key: str
    priority: str

    def title(self, lang: str) -> str:
        return translate(f"template.{self.key}.title", lang)

    def body(self, lang: str) -> str:
        return translate(f"template.{self.key}.body", lang)


# The common instructions, in the order the send form offers them.
TEMPLATES: dict[str, DirectiveTemplate] = {
    t.key: t
    for t in (
        DirectiveTemplate("open_shelters", "urgent"),  # 避難所開設
        DirectiveTemplate("report_damage", "high"),  # 被害状況の報告
        DirectiveTemplate("mobilise_staff", "urgent"),  # 職員参集
        DirectiveTemplate("prepare_evacuation", "high"),  # 避難指示の準備
    )
}


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


@dataclass(frozen=True)
class DirectiveSummary:
    id: int
    kind: str
    template: str | None
    title: str
    body: str
    priority: str
    deadline: datetime | None
    issued_at: datetime
    issued_by: str | None
    exercise: bool
    wards: int
    acknowledged: int
    answered: int
    escalated: int


@dataclass(frozen=True)
class BoardRow:
    """One ward's progress on a directive."""

    delivery_id: int
    ward_code: str
    name_ja: str
    name_en: str | None
    delivered_at: datetime | None
    read_at: datetime | None
    acknowledged_at: datetime | None
    answered_at: datetime | None
    answer_status: str | None
    answer_text: str | None
    reminder_count: int
    escalated_at: datetime | None
    minutes_to_ack: float | None
    channels: tuple[ChannelState, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_ja


@dataclass(frozen=True)
class Board:
    directive: DirectiveSummary
    rows: tuple[BoardRow, ...]

    @property
    def share_acknowledged(self) -> float:
        return sum(r.acknowledged_at is not None for r in self.rows) / len(self.rows)

    @property
    def unacknowledged(self) -> tuple[str, ...]:
        return tuple(r.ward_code for r in self.rows if r.acknowledged_at is None)


@dataclass(frozen=True)
class AckOutcome:
    """Result of an acknowledgement through a link or a LINE WORKS callback."""

    delivery_id: int
    ward_code: str
    title: str
    acknowledged_at: datetime
    # False when the delivery had been acknowledged before (the first time is kept).
    new: bool


# --- targets -----------------------------------------------------------------------------------


def target_codes(session: Session, actor: Actor) -> list[str]:
    """Jurisdictions the actor may address: those directly below the actor's home (a mayor's
    wards, a governor's municipalities)."""
    stmt = select(Jurisdiction.code).where(Jurisdiction.parent_code == actor.jurisdiction_code)
    return list(session.scalars(stmt.order_by(Jurisdiction.code)))


def list_targets(engine: Engine, actor: Actor) -> list[tuple[str, str, str | None]]:
    """(code, name_ja, name_en) of every jurisdiction the actor may send to."""
    require_role(actor, SENDER_ROLES)
    with reading(engine) as session:
        codes = target_codes(session, actor)
        rows = session.execute(
            select(Jurisdiction.code, Jurisdiction.name_ja, Jurisdiction.name_en)
            .where(Jurisdiction.code.in_(codes))
            .order_by(Jurisdiction.code)
        )
        return [tuple(row) for row in rows]


def suggested_targets(
    engine: Engine, actor: Actor, now: datetime | None = None, *, settings: Settings | None = None
) -> dict[str, tuple[str, ...]]:
    """Targets to pre-select, each with its reasons: ``level`` (situation level 3 or 4),
    ``full_shelter`` (a shelter reported full) and ``silent`` (nothing heard in disaster mode).

    A ward's reasons count for the municipality above it when the governor sends.
    """
    require_role(actor, SENDER_ROLES)
    situations = ward_situations(engine, actor, now=now, settings=settings)
    with reading(engine) as session:
        targets = set(target_codes(session, actor))
        parents = dict(session.execute(select(Jurisdiction.code, Jurisdiction.parent_code)).all())
    reasons: dict[str, set[str]] = {}
    for code, situation in situations.items():
        target = code
        while target is not None and target not in targets:
            target = parents.get(target)
        if target is None:
            continue
        found = reasons.setdefault(target, set())
        if situation.level >= TARGET_MIN_LEVEL:
            found.add("level")
        if situation.full_shelters > 0:
            found.add("full_shelter")
        if situation.silent:
            found.add("silent")
    return {
        code: tuple(r for r in TARGET_REASONS if r in found)
        for code, found in sorted(reasons.items())
        if found
    }


# --- sending -----------------------------------------------------------------------------------


def _validate(
    *, ward_codes: list[str], title: str, body: str, priority: str, deadline: datetime | None
) -> None:
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    if not ward_codes:
        problems["ward_codes"] = ("directive.no_targets", {})
    if not title.strip():
        problems["title"] = ("directive.title_required", {})
    elif len(title) > TITLE_MAX:
        problems["title"] = ("directive.too_long", {"maximum": TITLE_MAX})
    if len(body) > BODY_MAX:
        problems["body"] = ("directive.too_long", {"maximum": BODY_MAX})
    if priority not in PRIORITIES:
        problems["priority"] = ("directive.priority_invalid", {})
    if deadline is not None and deadline.utcoffset() is None:
        problems["deadline"] = ("directive.deadline_invalid", {})
    if problems:
        raise ValidationFailed(problems)


def create_directive(
    session: Session,
    actor: Actor,
    *,
    submission_id: str,
    ward_codes: list[str],
    title: str,
    body: str,
    priority: str,
    deadline: datetime | None,
    template: str | None,
    kind: str,
    scope_code: str,
    now: datetime,
) -> Directive:
    """Add a directive, its deliveries and their outbox rows to the caller's transaction."""
    exercise = exercise_now(session)
    directive = Directive(
        submission_id=submission_id,
        kind=kind,
        template=template,
        title=title.strip(),
        body=body.strip(),
        priority=priority,
        deadline=deadline,
        scope_code=scope_code,
        issued_by_id=actor.user_id,
        issued_at=now,
        exercise=exercise,
    )
    session.add(directive)
    session.flush()
    deliveries = [
        DirectiveDelivery(directive_id=directive.id, jurisdiction_code=code)
        for code in sorted(set(ward_codes))
    ]
    session.add_all(deliveries)
    session.flush()
    queued = enqueue_messages(session, deliveries, purpose="directive", exercise=exercise, now=now)
    record_audit(
        session,
        actor,
        AuditAction(f"{kind}.sent"),
        entity="directive",
        entity_id=directive.id,
        detail={"title": directive.title, "wards": len(deliveries), "outbox": queued},
        exercise=exercise,
        at=now,
    )
    return directive


def send_directive(
    engine: Engine,
    actor: Actor,
    *,
    submission_id: str,
    ward_codes: list[str],
    template: str | None = None,
    title: str | None = None,
    body: str | None = None,
    priority: str | None = None,
    deadline: datetime | None = None,
    lang: str = "ja",
    now: datetime | None = None,
) -> int:
    """Send a directive to ``ward_codes``; returns its id. Once per ``submission_id``: a double
    click or a retry returns the first directive and sends nothing more.

    Title, body and priority default to the template's.
    """
    require_role(actor, SENDER_ROLES)
    now = now or utcnow()
    chosen = TEMPLATES.get(template) if template else None
    if template and chosen is None:
        raise ValidationFailed({"template": ("directive.template_invalid", {})})
    title = title if title is not None else (chosen.title(lang) if chosen else "")
    body = body if body is not None else (chosen.body(lang) if chosen else "")
    priority = priority or (chosen.priority if chosen else "normal")
    ward_codes = list(dict.fromkeys(ward_codes))
    _validate(ward_codes=ward_codes, title=title, body=body, priority=priority, deadline=deadline)
    try:
        with transaction(engine) as session:
            existing = _by_submission(session, submission_id)
            if existing is not None:
                return existing
            allowed = set(target_codes(session, actor)) if actor is not SYSTEM else None
            if allowed is not None and not set(ward_codes) <= allowed:
                raise PermissionDenied("directive.target_forbidden")
            directive = create_directive(
                session,
                actor,
                submission_id=submission_id,
                ward_codes=ward_codes,
                title=title,
                body=body,
                priority=priority,
                deadline=deadline,
                template=template,
                kind="directive",
                scope_code=actor.jurisdiction_code,
                now=now,
            )
            return directive.id
    except IntegrityError:
        # Two clicks raced past the check: the other one stored it.
        with reading(engine) as session:
            existing = _by_submission(session, submission_id)
        if existing is None:
            raise
        return existing


def _by_submission(session: Session, submission_id: str) -> int | None:
    return session.scalar(select(Directive.id).where(Directive.submission_id == submission_id))


# --- receiving ---------------------------------------------------------------------------------


def _deliveries_query():
    issuer = aliased(User)
    return (
        select(DirectiveDelivery, Directive, issuer.display_name)
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .outerjoin(issuer, issuer.id == Directive.issued_by_id)
        .order_by(Directive.issued_at.desc(), Directive.id.desc())
    )


def _inbox_query(actor: Actor, exercise: bool):
    return _deliveries_query().where(
        DirectiveDelivery.jurisdiction_code == actor.jurisdiction_code,
        Directive.exercise == exercise,
    )


def _item(delivery: DirectiveDelivery, directive: Directive, issued_by: str | None) -> InboxItem:
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
        rows = session.execute(_inbox_query(actor, exercise_now(session)).limit(limit))
        return [_item(*row) for row in rows]


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
    items = [_item(*row) for row in open_rows]
    unread = [i for i in items if i.read_at is None]
    undelivered = [d.id for d, _, _ in open_rows if d.delivered_at is None]
    if undelivered:
        with transaction(engine) as session:
            session.execute(
                update(DirectiveDelivery)
                .where(DirectiveDelivery.id.in_(undelivered))
                .where(DirectiveDelivery.delivered_at.is_(None))
                .values(delivered_at=now)
            )
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
    delivery = session.get(DirectiveDelivery, delivery_id)
    if delivery is None:
        raise NotFound()
    if delivery.jurisdiction_code != actor.jurisdiction_code:
        raise PermissionDenied("directive.other_ward")
    return delivery


def _step_read(delivery: DirectiveDelivery, user_id: int | None, now: datetime) -> bool:
    if delivery.delivered_at is None:
        delivery.delivered_at = now
    if delivery.read_at is not None:
        return False
    delivery.read_at, delivery.read_by_id = now, user_id
    return True


def _step_acknowledge(delivery: DirectiveDelivery, user_id: int | None, now: datetime) -> bool:
    _step_read(delivery, user_id, now)
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
        if not _step_read(delivery, actor.user_id, now):
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
        if _step_acknowledge(delivery, actor.user_id, now):
            _audit_ack(session, actor, delivery, via="dashboard", now=now)
        return delivery.acknowledged_at


def _audit_ack(
    session: Session, actor: Actor, delivery: DirectiveDelivery, *, via: str, now: datetime
) -> None:
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

    Answering acknowledges (and reads) the directive if that had not happened yet.
    """
    now = now or utcnow()
    text = (text or "").strip()
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
        if _step_acknowledge(delivery, actor.user_id, now):
            _audit_ack(session, actor, delivery, via="answer", now=now)
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


# --- acknowledgement from outside the dashboard ------------------------------------------------


def verify_ack_link(
    token: str, *, settings: Settings | None = None, now: datetime | None = None
) -> int | None:
    """The delivery id of a valid (authentic, unexpired) acknowledgement token, else None."""
    settings = settings or get_settings()
    try:
        return verify_ack_token(token, settings.secret_key, now=now or utcnow())
    except AckTokenError:
        return None


def ack_link_item(
    engine: Engine, token: str, *, settings: Settings | None = None, now: datetime | None = None
) -> tuple[InboxItem, str] | None:
    """What the acknowledgement page shows for a valid token: the directive and the ward name."""
    delivery_id = verify_ack_link(token, settings=settings, now=now)
    if delivery_id is None:
        return None
    with reading(engine) as session:
        row = session.execute(
            _deliveries_query().where(DirectiveDelivery.id == delivery_id)
        ).first()
        if row is None:
            return None
        ward = session.get(Jurisdiction, row[0].jurisdiction_code)
        return _item(*row), ward.name_ja if ward else row[0].jurisdiction_code


def _link_actor(ward_code: str, via: str) -> Actor:
    """Who the audit log names for an acknowledgement made outside the dashboard."""
    return Actor(None, via[:64], via[:64], Role.WARD_HEAD, ward_code)


def _acknowledge_outside(
    engine: Engine, delivery_id: int, *, via: str, now: datetime, check=None
) -> AckOutcome:
    with transaction(engine) as session:
        delivery = session.get(DirectiveDelivery, delivery_id)
        if delivery is None:
            raise NotFound()
        if check is not None:
            check(session, delivery)
        actor = _link_actor(delivery.jurisdiction_code, via)
        new = _step_acknowledge(delivery, None, now)
        if new:
            _audit_ack(session, actor, delivery, via=via.split(":")[0], now=now)
        return AckOutcome(
            delivery.id,
            delivery.jurisdiction_code,
            delivery.directive.title,
            delivery.acknowledged_at,
            new,
        )


def acknowledge_by_link(
    engine: Engine, token: str, *, settings: Settings | None = None, now: datetime | None = None
) -> AckOutcome:
    """了解 through the signed link of an e-mail, LINE WORKS or webhook message."""
    now = now or utcnow()
    delivery_id = verify_ack_link(token, settings=settings, now=now)
    if delivery_id is None:
        raise ServiceError("ack.link_invalid")
    return _acknowledge_outside(engine, delivery_id, via="ack-link", now=now)


def handle_lineworks_callback(
    engine: Engine,
    body: bytes,
    signature: str,
    bot_secret: str,
    *,
    now: datetime | None = None,
) -> AckOutcome | None:
    """Process a LINE WORKS bot callback: verify ``X-WORKS-Signature``, then acknowledge.

    Returns None for callbacks that are not a 了解 (other messages in the room). The talk room or
    user must be one of the ward's LINE WORKS targets: a 了解 pressed in another ward's room is
    refused. Answer the HTTP request at once and call this afterwards.
    """
    if not verify_callback_signature(body, signature, bot_secret):
        raise PermissionDenied("ack.signature_invalid")
    event = parse_callback(body)
    if event is None:
        return None

    def check(session: Session, delivery: DirectiveDelivery) -> None:
        configs = session.scalars(
            select(ChannelTarget.config).where(
                ChannelTarget.jurisdiction_code == delivery.jurisdiction_code,
                ChannelTarget.kind == "lineworks",
            )
        ).all()
        ok = any(
            (event.channel_id and c.get("channel_id") == event.channel_id)
            or (not event.channel_id and c.get("user_id") == event.user_id)
            for c in configs
        )
        if not ok:
            raise PermissionDenied("directive.other_ward")

    return _acknowledge_outside(
        engine,
        event.delivery_id,
        via=f"lineworks:{event.user_id}",
        now=now or utcnow(),
        check=check,
    )


# --- tracking ----------------------------------------------------------------------------------


def _visible_directive(session: Session, actor: Actor, directive_id: int) -> Directive:
    require_role(actor, SENDER_ROLES)
    directive = session.get(Directive, directive_id)
    if directive is None:
        raise NotFound()
    if directive.scope_code not in scope_codes(session, actor):
        raise PermissionDenied()
    return directive


def _summaries(session: Session, stmt) -> list[DirectiveSummary]:
    issuer = aliased(User)
    counts = (
        select(
            DirectiveDelivery.directive_id,
            func.count().label("wards"),
            func.count(DirectiveDelivery.acknowledged_at).label("acknowledged"),
            func.count(DirectiveDelivery.answered_at).label("answered"),
            func.count(DirectiveDelivery.escalated_at).label("escalated"),
        )
        .group_by(DirectiveDelivery.directive_id)
        .subquery()
    )
    rows = session.execute(
        stmt.add_columns(
            issuer.display_name,
            counts.c.wards,
            counts.c.acknowledged,
            counts.c.answered,
            counts.c.escalated,
        )
        .outerjoin(issuer, issuer.id == Directive.issued_by_id)
        .outerjoin(counts, counts.c.directive_id == Directive.id)
    )
    return [
        DirectiveSummary(
            d.id,
            d.kind,
            d.template,
            d.title,
            d.body,
            d.priority,
            d.deadline,
            d.issued_at,
            by,
            d.exercise,
            wards or 0,
            acked or 0,
            answered or 0,
            escalated or 0,
        )
        for d, by, wards, acked, answered, escalated in rows
    ]


def list_directives(engine: Engine, actor: Actor, *, limit: int = 50) -> list[DirectiveSummary]:
    """Directives sent within the actor's scope (current mode only), newest first."""
    require_role(actor, SENDER_ROLES)
    with reading(engine) as session:
        stmt = (
            select(Directive)
            .where(
                Directive.scope_code.in_(scope_codes(session, actor)),
                Directive.exercise == exercise_now(session),
            )
            .order_by(Directive.issued_at.desc(), Directive.id.desc())
            .limit(limit)
        )
        return _summaries(session, stmt)


def directive_board(engine: Engine, actor: Actor, directive_id: int) -> Board:
    """Per ward: delivered, read, acknowledged, answered, minutes to acknowledge, channels."""
    with reading(engine) as session:
        directive = _visible_directive(session, actor, directive_id)
        (summary,) = _summaries(session, select(Directive).where(Directive.id == directive.id))
        rows = session.execute(
            select(DirectiveDelivery, Jurisdiction.name_ja, Jurisdiction.name_en)
            .join(Jurisdiction, Jurisdiction.code == DirectiveDelivery.jurisdiction_code)
            .where(DirectiveDelivery.directive_id == directive.id)
            .order_by(DirectiveDelivery.jurisdiction_code)
        ).all()
        channels = channel_states(session, [d.id for d, _, _ in rows])
        return Board(
            summary,
            tuple(
                BoardRow(
                    delivery_id=d.id,
                    ward_code=d.jurisdiction_code,
                    name_ja=name_ja,
                    name_en=name_en,
                    delivered_at=d.delivered_at,
                    read_at=d.read_at,
                    acknowledged_at=d.acknowledged_at,
                    answered_at=d.answered_at,
                    answer_status=d.answer_status,
                    answer_text=d.answer_text,
                    reminder_count=d.reminder_count,
                    escalated_at=d.escalated_at,
                    minutes_to_ack=(
                        (d.acknowledged_at - directive.issued_at).total_seconds() / 60
                        if d.acknowledged_at
                        else None
                    ),
                    channels=tuple(channels.get(d.id, ())),
                )
                for d, name_ja, name_en in rows
            ),
        )


def board_table(board: Board, lang: str, tz_name: str) -> list[dict[str, object]]:
    """The board as table rows with translated column names (times in ``tz_name``)."""
    zone = ZoneInfo(tz_name)

    def at(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%H:%M") if moment else ""

    def col(key: str) -> str:
        return translate(f"board.{key}", lang)

    return [
        {
            col("ward"): r.name(lang),
            col("delivered"): at(r.delivered_at),
            col("read"): at(r.read_at),
            col("acknowledged"): at(r.acknowledged_at),
            col("minutes"): "" if r.minutes_to_ack is None else f"{r.minutes_to_ack:.1f}",
            col("answer"): translate(f"answer.{r.answer_status}", lang) if r.answer_status else "",
            col("answer_text"): r.answer_text or "",
            col("reminders"): r.reminder_count,
            col("escalated"): "⚠" if r.escalated_at and not r.acknowledged_at else "",
            col("channels"): " ".join(
                f"{c.kind}:{translate(f'outbox.status.{c.status}', lang)}" for c in r.channels
            ),
        }
        for r in board.rows
    ]


def board_areas(engine: Engine, actor: Actor, board: Board) -> gpd.GeoDataFrame:
    """The target wards' polygons (EPSG:4326) with an ``acknowledged`` column, for the map."""
    require_role(actor, SENDER_ROLES)
    acknowledged = {r.ward_code: r.acknowledged_at is not None for r in board.rows}
    with reading(engine) as session:
        frame = area_frame(session, codes=frozenset(acknowledged))
    frame["acknowledged"] = frame["code"].map(acknowledged).astype(bool)
    return frame


# --- reminders ---------------------------------------------------------------------------------


def _remind(
    session: Session, deliveries: list[DirectiveDelivery], *, exercise: bool, now: datetime
) -> int:
    for item in deliveries:
        item.reminder_count += 1
        item.last_reminded_at = now
    session.flush()
    return enqueue_messages(session, deliveries, purpose="reminder", exercise=exercise, now=now)


def resend_unacknowledged(
    engine: Engine, actor: Actor, directive_id: int, *, now: datetime | None = None
) -> int:
    """Remind every ward that has not acknowledged, on every channel; returns how many wards.

    Wards reminded within the last minute are skipped, so a double click reminds once.
    """
    now = now or utcnow()
    with transaction(engine) as session:
        directive = _visible_directive(session, actor, directive_id)
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
    reminded = 0
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
            _remind(session, [delivery], exercise=directive.exercise, now=now)
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
            reminded += 1
    return reminded


def unread_count(engine: Engine, actor: Actor) -> int:
    """Directives the actor's jurisdiction has not opened yet (current mode)."""
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
