"""Answers through the personal link (no login): safety, coming in, where, a comment.

Every answer is a new row; the latest one is the person's state, earlier ones stay as history.
A double tap or a retry of the same form stores one row (``store_once`` on the submission id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.errors import PermissionDenied, Throttled, ValidationFailed
from dashboard.services.rollcall.links import link_max_age, read_answer_token
from dashboard.services.rollcall.vocab import ATTENDANCE, SAFETY
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, store_once
from dashboard.storage.models import (
    Jurisdiction,
    RollCall,
    RollCallAnswer,
    RollCallRecipient,
    StaffMember,
    utcnow,
)

# Longest arrival estimate accepted, in minutes (two days).
ETA_MAX = 48 * 60
# Answers one link may give within a window (a person correcting an answer gives a few).
ANSWERS_PER_WINDOW, ANSWER_WINDOW = 10, timedelta(minutes=1)
# Answers the answer page shows (the latest).
HISTORY_SHOWN = 20
# Longest free texts.
REASON_MAX, PLACE_MAX, COMMENT_MAX = 500, 200, 1000


@dataclass(frozen=True)
class AnswerView:
    safety: str
    attendance: str
    eta_minutes: int | None
    reason: str | None
    place: str | None
    comment: str | None
    answered_at: datetime


@dataclass(frozen=True)
class AnswerPage:
    """What the answer page shows to the holder of a link: their roll-call and their answers."""

    title: str
    started_at: datetime
    exercise: bool
    name: str
    unit_name: str
    history: list[AnswerView]

    @property
    def latest(self) -> AnswerView | None:
        return self.history[-1] if self.history else None


def verify_answer_link(
    token: str, *, settings: Settings | None = None, now: datetime | None = None
) -> tuple[int, int] | None:
    """(recipient id, staff id) of a valid link, else None (the shell's no-login gate)."""
    settings = settings or get_settings()
    return read_answer_token(
        token,
        secret=settings.secret_key,
        max_age_seconds=link_max_age(settings),
        now=now or utcnow(),
    )


def _recipient(session: Session, ids: tuple[int, int] | None) -> RollCallRecipient:
    recipient = session.get(RollCallRecipient, ids[0]) if ids else None
    if recipient is None or recipient.staff_id != ids[1]:
        raise PermissionDenied("rollcall.link_invalid")
    return recipient


def _history(session: Session, recipient_id: int) -> list[AnswerView]:
    """The person's latest ``HISTORY_SHOWN`` answers, oldest first (an index range read)."""
    stmt = (
        select(RollCallAnswer)
        .where(RollCallAnswer.recipient_id == recipient_id)
        .order_by(RollCallAnswer.id.desc())
        .limit(HISTORY_SHOWN)
    )
    return [
        AnswerView(
            a.safety, a.attendance, a.eta_minutes, a.reason, a.place, a.comment, a.answered_at
        )
        for a in reversed(session.scalars(stmt).all())
    ]


def _check_pace(session: Session, recipient_id: int, now: datetime) -> None:
    """Refuse an answer when the link already gave ``ANSWERS_PER_WINDOW`` within
    ``ANSWER_WINDOW`` (a flood through one link, not a person correcting an answer)."""
    recent = session.scalars(
        select(RollCallAnswer.answered_at)
        .where(RollCallAnswer.recipient_id == recipient_id)
        .order_by(RollCallAnswer.id.desc())
        .limit(ANSWERS_PER_WINDOW)
    ).all()
    if len(recent) >= ANSWERS_PER_WINDOW and recent[-1] > now - ANSWER_WINDOW:
        raise Throttled("rollcall.too_many_answers", seconds=int(ANSWER_WINDOW.total_seconds()))


def answer_page(
    engine: Engine, token: str, *, settings: Settings | None = None, now: datetime | None = None
) -> AnswerPage:
    """The page behind a link; ``PermissionDenied`` for a tampered, expired or foreign link."""
    ids = verify_answer_link(token, settings=settings, now=now)
    with reading(engine) as session:
        recipient = _recipient(session, ids)
        rollcall = session.get(RollCall, recipient.rollcall_id)
        person = session.get(StaffMember, recipient.staff_id)
        unit = session.get(Jurisdiction, recipient.unit_code)
        return AnswerPage(
            rollcall.title,
            rollcall.started_at,
            rollcall.exercise,
            person.name,
            unit.name_ja,
            _history(session, recipient.id),
        )


def _clean(value: str | None, limit: int, field: str, problems: dict) -> str | None:
    value = (value or "").strip() or None
    if value and len(value) > limit:
        problems[field] = ("directive.too_long", {"maximum": limit})
    return value


def submit_answer(
    engine: Engine,
    token: str,
    *,
    submission_id: str,
    safety: str,
    attendance: str,
    eta_minutes: int | None = None,
    reason: str | None = None,
    place: str | None = None,
    comment: str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> AnswerView:
    """Store one answer for the link's person; a changed answer is a new row."""
    now = now or utcnow()
    ids = verify_answer_link(token, settings=settings, now=now)
    if ids is None:
        raise PermissionDenied("rollcall.link_invalid")
    return _store_answer(
        engine,
        ids,
        submission_id=submission_id,
        safety=safety,
        attendance=attendance,
        eta_minutes=eta_minutes,
        reason=reason,
        place=place,
        comment=comment,
        now=now,
    )


def submit_chat_answer(
    engine: Engine,
    *,
    recipient_id: int,
    lineworks_user_id: str,
    submission_id: str,
    safety: str,
    attendance: str,
    eta_minutes: int | None = None,
    comment: str | None = None,
    now: datetime | None = None,
) -> AnswerView:
    """Store one answer tapped in the LINE WORKS talk room: the same rules and rows as the
    answer page, for the recipient whose register entry carries ``lineworks_user_id`` (the
    bot verified the callback's signature; the user id is who LINE WORKS says tapped)."""
    now = now or utcnow()
    with reading(engine) as session:
        found = session.execute(
            select(RollCallRecipient.staff_id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(
                RollCallRecipient.id == recipient_id,
                StaffMember.lineworks_user_id == lineworks_user_id,
                StaffMember.active.is_(True),
            )
        ).first()
    if found is None:
        raise PermissionDenied("rollcall.link_invalid")
    return _store_answer(
        engine,
        (recipient_id, found[0]),
        submission_id=submission_id,
        safety=safety,
        attendance=attendance,
        eta_minutes=eta_minutes,
        comment=comment,
        now=now,
    )


def _store_answer(
    engine: Engine,
    ids: tuple[int, int],
    *,
    submission_id: str,
    safety: str,
    attendance: str,
    eta_minutes: int | None,
    reason: str | None = None,
    place: str | None = None,
    comment: str | None = None,
    now: datetime,
) -> AnswerView:
    problems: dict = {}
    if safety not in SAFETY:
        problems["safety"] = ("rollcall.safety_invalid", {})
    if attendance not in ATTENDANCE:
        problems["attendance"] = ("rollcall.attendance_invalid", {})
    if attendance != "can_come":
        eta_minutes = None
    elif eta_minutes is not None and not 0 <= eta_minutes <= ETA_MAX:
        problems["eta"] = ("rollcall.eta_invalid", {"max": ETA_MAX})
    reason = _clean(reason, REASON_MAX, "reason", problems) if attendance == "cannot" else None
    place = _clean(place, PLACE_MAX, "place", problems)
    comment = _clean(comment, COMMENT_MAX, "comment", problems)
    if problems:
        raise ValidationFailed(problems)

    def find(session: Session) -> AnswerView | None:
        # One round trip: the link's person, and an answer already stored for this submission.
        found = session.execute(
            select(RollCallRecipient.staff_id, RollCallAnswer, RollCall.ended_at)
            .join(RollCall, RollCall.id == RollCallRecipient.rollcall_id)
            .outerjoin(RollCallAnswer, RollCallAnswer.submission_id == submission_id)
            .where(RollCallRecipient.id == ids[0])
        ).first()
        if found is None or found[0] != ids[1]:
            raise PermissionDenied("rollcall.link_invalid")
        row = found[1]
        if row is None:
            if found[2] is not None:  # the crisis office closed it: its list is final
                raise PermissionDenied("rollcall.answers_closed")
            return None
        if row.recipient_id != ids[0]:
            raise PermissionDenied("rollcall.link_invalid")
        return _history_of(row)

    def write(session: Session) -> AnswerView:
        _check_pace(session, ids[0], now)
        answer = RollCallAnswer(
            submission_id=submission_id,
            recipient_id=ids[0],
            safety=safety,
            attendance=attendance,
            eta_minutes=eta_minutes,
            reason=reason,
            place=place,
            comment=comment,
            answered_at=now,
        )
        session.add(answer)
        session.flush()
        return _history_of(answer)

    return store_once(engine, find, write)


def _history_of(a: RollCallAnswer) -> AnswerView:
    return AnswerView(
        a.safety, a.attendance, a.eta_minutes, a.reason, a.place, a.comment, a.answered_at
    )


def unavailable(safety: str, attendance: str) -> bool:
    """A roll-call answer that makes a holder unable to act: injured (slightly or seriously, as
    the issue asks: "answered the roll-call as injured") or cannot come."""
    return safety != "safe" or attendance == "cannot"


def unavailable_numbers(session: Session, numbers: set[str], *, exercise: bool) -> set[str]:
    """Employee numbers whose latest answer to an open roll-call of this mode makes them unable
    to act (the HQ stand-in hands their directives to the next deputy)."""
    if not numbers:
        return set()
    rows = session.execute(
        select(StaffMember.employee_number, RollCallAnswer.safety, RollCallAnswer.attendance)
        .join(RollCallRecipient, RollCallRecipient.staff_id == StaffMember.id)
        .join(RollCall, RollCall.id == RollCallRecipient.rollcall_id)
        .join(RollCallAnswer, RollCallAnswer.recipient_id == RollCallRecipient.id)
        .where(
            StaffMember.employee_number.in_(numbers),
            RollCall.ended_at.is_(None),
            RollCall.exercise.is_(exercise),
        )
        .order_by(RollCallAnswer.answered_at, RollCallAnswer.id)
    )
    latest = {number: (safety, attendance) for number, safety, attendance in rows}
    return {number for number, answer in latest.items() if unavailable(*answer)}
