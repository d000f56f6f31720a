"""Starting a roll-call and its messages.

A roll-call asks every active person of the chosen units (a whole area, one unit) and tiers; each
person gets one outbox row per channel they have (LINE WORKS, e-mail). The recipients and their
rows are written in the starting transaction with multi-row inserts, so a roll-call of a whole
city (tens of thousands of staff) is one click and one commit. Messages are built only when the
worker sends them, each with a freshly signed answer link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Engine,
    String,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from dashboard.channels import Message
from dashboard.domain import COMMAND_ROLES, Actor
from dashboard.errors import NotFound, ValidationFailed
from dashboard.i18n import translate
from dashboard.services.areas import require_in_scope, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.delivery import PersonalMessage, enqueue_personal, register_personal_source
from dashboard.services.modes import exercise_now
from dashboard.services.rollcall.links import answer_url
from dashboard.services.rollcall.vocab import (
    CHAT_ANSWERS,
    CHAT_ETAS,
    CHAT_PREFIX,
    PURPOSE_CALL,
    PURPOSE_REMINDER,
    TIERS,
    TRIGGERS,
)
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    Jurisdiction,
    RollCall,
    RollCallRecipient,
    StaffMember,
    utcnow,
)

# Minutes without an answer before a person is reminded, unless the starter chose otherwise.
DEFAULT_REMIND_MINUTES = 15
# Reminders per person at most.
DEFAULT_MAX_REMINDERS = 3
# Bounds of the reminder interval a starter may choose, in minutes.
REMIND_RANGE = (1, 24 * 60)


@dataclass(frozen=True)
class RollCallView:
    id: int
    title: str
    trigger: str
    scope_code: str
    tier: int | None
    started_at: datetime
    ended_at: datetime | None
    exercise: bool
    recipients: int


def start_rollcall(
    engine: Engine,
    actor: Actor,
    *,
    submission_id: str,
    scope_code: str,
    unit_code: str | None = None,
    tier: int | None = None,
    remind_after_minutes: int = DEFAULT_REMIND_MINUTES,
    title: str | None = None,
    lang: str = "ja",
    now: datetime | None = None,
) -> int:
    """Start a roll-call by hand (the crisis office): everyone of ``scope_code``, or one unit, up
    to a tier; returns its id (the same one for a repeated click)."""
    require_role(actor, COMMAND_ROLES)
    if tier is not None and tier not in TIERS:
        raise ValidationFailed({"tier": ("rollcall.tier_invalid", {})})
    low, high = REMIND_RANGE
    if not low <= remind_after_minutes <= high:
        raise ValidationFailed({"remind": ("rollcall.remind_invalid", {"low": low, "high": high})})
    with transaction(engine) as session:
        found = session.scalar(select(RollCall.id).where(RollCall.submission_id == submission_id))
        if found is not None:
            return found
        require_in_scope(session, actor, [scope_code, unit_code or scope_code])
        started = begin_rollcall(
            session,
            actor,
            submission_id=submission_id,
            trigger="manual",
            scope_code=scope_code,
            unit_code=unit_code,
            tier=tier,
            remind_after_minutes=remind_after_minutes,
            title=title,
            lang=lang,
            now=now or utcnow(),
        )
        called = session.scalar(
            select(func.count()).where(RollCallRecipient.rollcall_id == started)
        )
        if not called:
            # Nobody in the register for this area, unit and tier: a roll-call of no one would
            # look started and stay silent. Refused; the transaction stores nothing.
            raise ValidationFailed({"scope": ("rollcall.nobody_called", {})})
        return started


def begin_rollcall(
    session: Session,
    actor: Actor,
    *,
    submission_id: str,
    trigger: str,
    scope_code: str,
    unit_code: str | None,
    tier: int | None,
    remind_after_minutes: int = DEFAULT_REMIND_MINUTES,
    title: str | None,
    lang: str,
    now: datetime,
    min_tier: int | None = None,
    exercise: bool | None = None,
) -> int:
    """Store a roll-call, its recipients and their outbox rows in the caller's transaction.
    ``min_tier``: only staff above it (the tiers already called in are not asked twice);
    ``exercise``: drill or real regardless of the mode (a JMA telegram's own status decides)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"trigger must be one of {TRIGGERS}")
    scope = session.get(Jurisdiction, scope_code)
    if scope is None:
        raise NotFound()
    exercise = exercise_now(session) if exercise is None else exercise
    if not title:
        tier_name = translate(f"disaster.level.{tier}", lang) if tier else ""
        title = translate("rollcall.default_title", lang, area=scope.name_ja, tier=tier_name)
    rollcall = RollCall(
        submission_id=submission_id,
        trigger=trigger,
        title=title[:200],
        scope_code=scope_code,
        unit_code=unit_code,
        tier=tier,
        remind_after_minutes=remind_after_minutes,
        max_reminders=DEFAULT_MAX_REMINDERS,
        started_by_id=actor.user_id,
        started_at=now,
        exercise=exercise,
    )
    session.add(rollcall)
    session.flush()
    units = [unit_code] if unit_code else sorted(scope_codes_under(session, scope_code))
    chosen = select(StaffMember.id, StaffMember.unit_code, StaffMember.tier).where(
        StaffMember.active.is_(True), StaffMember.unit_code.in_(units)
    )
    if tier is not None:
        chosen = chosen.where(StaffMember.tier <= tier)
    if min_tier is not None:
        chosen = chosen.where(StaffMember.tier > min_tier)
    # INSERT ... SELECT: the database copies the chosen people, nothing passes through Python.
    columns = ["rollcall_id", "staff_id", "unit_code", "tier", "reminder_count"]
    source = chosen.with_only_columns(
        literal(rollcall.id), StaffMember.id, StaffMember.unit_code, StaffMember.tier, literal(0)
    )
    people = session.execute(insert(RollCallRecipient).from_select(columns, source)).rowcount
    queued = enqueue_rollcall_messages(
        session, rollcall.id, PURPOSE_CALL, exercise=exercise, now=now
    )
    record_audit(
        session,
        actor,
        AuditAction.ROLLCALL_STARTED,
        entity="rollcall",
        entity_id=rollcall.id,
        detail={
            "trigger": trigger,
            "scope": scope_code,
            "unit": unit_code,
            "tier": tier,
            "recipients": people,
            "messages": queued,
        },
        exercise=exercise,
        at=now,
    )
    return rollcall.id


def scope_codes_under(session: Session, code: str) -> set[str]:
    """``code`` and every jurisdiction below it."""
    rows = session.execute(select(Jurisdiction.code, Jurisdiction.parent_code)).all()
    children: dict[str | None, list[str]] = {}
    for child, parent in rows:
        children.setdefault(parent, []).append(child)
    found, stack = set(), [code]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


def enqueue_rollcall_messages(
    session: Session,
    rollcall_id: int,
    purpose: str,
    *,
    exercise: bool,
    now: datetime,
    recipient_ids: list[int] | None = None,
) -> int:
    def addressed(kind: str, column):
        stmt = (
            select(RollCallRecipient.id, literal(kind, String(16)))
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(RollCallRecipient.rollcall_id == rollcall_id, column.is_not(None), column != "")
        )
        if recipient_ids is not None:
            stmt = stmt.where(RollCallRecipient.id.in_(recipient_ids))
        return stmt

    both = union_all(
        addressed("lineworks", StaffMember.lineworks_user_id), addressed("email", StaffMember.email)
    )
    return enqueue_personal(session, both, purpose=purpose, exercise=exercise, now=now)


def build_messages(
    session: Session, recipient_ids: list[int], purpose: str, settings: Settings, now: datetime
) -> dict[int, PersonalMessage]:
    """The personal source the delivery worker calls: each recipient's message and addresses."""
    lang = settings.default_language
    rows = session.execute(
        select(RollCallRecipient, StaffMember, RollCall, Jurisdiction)
        .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
        .join(RollCall, RollCall.id == RollCallRecipient.rollcall_id)
        .join(Jurisdiction, Jurisdiction.code == RollCallRecipient.unit_code)
        .where(RollCallRecipient.id.in_(recipient_ids))
    ).all()
    built = {}
    for recipient, person, rollcall, unit in rows:
        title = rollcall.title
        if purpose == PURPOSE_REMINDER:
            title = translate("outbox.reminder_prefix", lang) + title
        if rollcall.exercise:
            title = translate("outbox.drill_prefix", lang) + title
        addresses = {}
        if person.lineworks_user_id:
            addresses["lineworks"] = {"user_id": person.lineworks_user_id}
        if person.email:
            addresses["email"] = {"to": [person.email]}
        message = Message(
            directive_id=rollcall.id,
            delivery_id=recipient.id,
            ward_code=unit.code,
            ward_name=(unit.name_en if lang == "en" and unit.name_en else unit.name_ja),
            title=title,
            body=translate("rollcall.message_body", lang),
            priority="urgent",
            deadline=None,
            ack_url=answer_url(recipient.id, person.id, settings=settings, now=now),
            language=lang,
            action_label=translate("rollcall.message_button", lang),
            action_prompt=translate("rollcall.message_prompt", lang),
            **_chat_buttons(recipient.id, lang, settings),
        )
        built[recipient.id] = PersonalMessage(message, addresses)
    return built


def _chat_buttons(recipient_id: int, lang: str, settings: Settings) -> dict:
    """The answer buttons and 到着予定 quick replies of the LINE WORKS message, when the bot
    takes callbacks (the signed link's button stays beside them)."""
    secret = settings.lineworks_bot_secret
    if secret is None or not secret.get_secret_value():
        return {}

    def pairs(words) -> tuple[tuple[str, str], ...]:
        return tuple(
            (translate(f"rollcall.chat.{w}", lang), f"{CHAT_PREFIX}:{recipient_id}:{w}")
            for w in words
        )

    return {"choices": pairs(CHAT_ANSWERS), "quick_replies": pairs(CHAT_ETAS)}


register_personal_source((PURPOSE_CALL, PURPOSE_REMINDER), build_messages)


def end_rollcall(engine: Engine, actor: Actor, rollcall_id: int, *, now: datetime | None = None):
    """Close a roll-call: no more reminders and no more answers (the links then only show what
    was answered; its list is final), everything answered is kept."""
    require_role(actor, COMMAND_ROLES)
    with transaction(engine) as session:
        rollcall = session.get(RollCall, rollcall_id)
        if rollcall is None:
            raise NotFound()
        require_in_scope(session, actor, [rollcall.scope_code])
        if rollcall.ended_at is None:
            rollcall.ended_at = now or utcnow()
            record_audit(
                session,
                actor,
                AuditAction.ROLLCALL_ENDED,
                entity="rollcall",
                entity_id=rollcall.id,
                exercise=rollcall.exercise,
            )


def list_rollcalls(engine: Engine, actor: Actor, *, limit: int = 20) -> list[RollCallView]:
    """Roll-calls the actor may follow, of the current mode (a drill sees only drill ones): those
    of an area in the actor's scope or above the actor's ward."""
    with reading(engine) as session:
        visible = set(scope_codes(session, actor)) | _ancestors(session, actor.jurisdiction_code)
        counts = (
            select(RollCallRecipient.rollcall_id, func.count().label("n"))
            .group_by(RollCallRecipient.rollcall_id)
            .subquery()
        )
        stmt = (
            select(RollCall, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.rollcall_id == RollCall.id)
            .where(RollCall.exercise == exercise_now(session), RollCall.scope_code.in_(visible))
            .order_by(RollCall.started_at.desc(), RollCall.id.desc())
            .limit(limit)
        )
        return [
            RollCallView(
                r.id,
                r.title,
                r.trigger,
                r.scope_code,
                r.tier,
                r.started_at,
                r.ended_at,
                r.exercise,
                n,
            )
            for r, n in session.execute(stmt)
        ]


def _ancestors(session: Session, code: str) -> set[str]:
    parents = dict(session.execute(select(Jurisdiction.code, Jurisdiction.parent_code)).all())
    found = set()
    while code in parents and code not in found:
        found.add(code)
        code = parents[code]
    return found
