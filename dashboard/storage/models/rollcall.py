"""Staff roll-call records: the staff register, roll-calls, their recipients and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.clock import utcnow
from dashboard.storage.models.base import Base


class StaffMember(Base):
    """A member of staff in the roll-call register (職員名簿), kept apart from login accounts.

    Personal data: shown only to the person's own unit head and the crisis office."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # The ward (or the city, for the city's own departments) the person belongs to.
    unit_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    department: Mapped[str | None] = mapped_column(String(100))
    # Mobilisation tier 1..4: 警戒配備, 第1, 第2, 第3非常配備 (called in at that level and above).
    tier: Mapped[int] = mapped_column(Integer)
    post: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    lineworks_user_id: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("tier BETWEEN 1 AND 4", name="tier_range"),)


class RollCall(Base):
    """One staff safety and mobilisation roll-call (安否確認・参集), by hand or by a trigger."""

    __tablename__ = "rollcalls"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    # "manual", "declaration" or "intensity".
    trigger: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    scope_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    # The one unit called in, when not the whole area (its required staff alone count).
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code"))
    # Staff of this tier and milder ones; None for everyone.
    tier: Mapped[int | None] = mapped_column(Integer)
    remind_after_minutes: Mapped[int] = mapped_column(Integer)
    max_reminders: Mapped[int] = mapped_column(Integer)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)


class RollCallRecipient(Base):
    """One person asked by a roll-call; unit and tier as they were then (history survives moves)."""

    __tablename__ = "rollcall_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    rollcall_id: Mapped[int] = mapped_column(ForeignKey("rollcalls.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    tier: Mapped[int] = mapped_column(Integer)
    reminder_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("rollcall_id", "staff_id"),
        Index("ix_rollcall_recipients_unit", "rollcall_id", "unit_code"),
    )


class RollCallAnswer(Base):
    """One answer of a recipient (append-only: a changed answer is a new row)."""

    __tablename__ = "rollcall_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("rollcall_recipients.id"))
    # "safe", "injured_minor", "injured_serious".
    safety: Mapped[str] = mapped_column(String(16))
    # "can_come", "cannot", "arrived".
    attendance: Mapped[str] = mapped_column(String(16))
    eta_minutes: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_rollcall_answers_recipient", "recipient_id", "id"),
        CheckConstraint("eta_minutes IS NULL OR eta_minutes >= 0", name="eta_non_negative"),
    )
