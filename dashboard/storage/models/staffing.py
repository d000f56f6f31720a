"""Staffing records of the roll-call: the required staff per unit and tier (必要参集人数) and the
history of each person's register entry (added, edited, moved, deactivated)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.clock import utcnow
from dashboard.storage.models.base import Base


class StaffingRequirement(Base):
    """How many staff a unit needs at a mobilisation tier (必要参集人数): the board's 参集率 is
    measured against it."""

    __tablename__ = "staffing_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    # Mobilisation tier 1..4 (警戒配備 .. 第3非常配備) at which this many are needed.
    tier: Mapped[int] = mapped_column(Integer)
    required: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("unit_code", "tier"),
        CheckConstraint("tier BETWEEN 1 AND 4", name="tier_range"),
        CheckConstraint("required >= 0", name="required_non_negative"),
    )


class StaffChange(Base):
    """One change of a person's register entry (append-only): what the unit and tier became.

    Personal data of its own: read only by the crisis office and the person's unit head."""

    __tablename__ = "staff_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    # "added", "edited", "moved", "deactivated", "activated", "imported".
    kind: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    previous_unit_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code"))
    tier: Mapped[int] = mapped_column(Integer)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_staff_changes_staff", "staff_id", "id"),)
