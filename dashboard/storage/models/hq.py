"""The disaster HQ (災害対策本部) as an organisation: which units' heads are HQ members (本部員),
who heads each unit and who stands in for them in which order (代行順位), and every step by which
a directive passed from a silent or unavailable head to a deputy.

Departments (部局) are jurisdiction rows of level ``department`` (no boundary, parent = the city or
prefecture), so deliveries, channel targets, staff units and inbox scoping work for them unchanged.
Holders are history: a change closes the rows in force (``valid_to``) and adds new ones; nothing is
deleted, so "who was deputy 1 of 建設局 last June" stays answerable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.clock import utcnow
from dashboard.storage.models.base import Base


class HqUnit(Base):
    """An organisation unit's place in the HQ: a ward or a department of a city or prefecture."""

    __tablename__ = "hq_units"

    code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), primary_key=True)
    # The unit's head sits in the HQ (本部員): "all HQ members" addresses these units.
    hq_member: Mapped[bool] = mapped_column(Boolean, default=True)
    # What kind of unit it is (construction, health, …): templates are meant for a kind.
    unit_kind: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class UnitHolder(Base):
    """One person holding a unit: rank 0 is the head, 1… the deputies in their fixed order.

    In force from ``valid_from`` until ``valid_to`` (None: still in force)."""

    __tablename__ = "unit_holders"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    rank: Mapped[int] = mapped_column(Integer)
    # The login that acknowledges for the unit.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The same person in the staff register, whose roll-call answer can make them unavailable.
    employee_number: Mapped[str | None] = mapped_column(String(32))
    valid_from: Mapped[datetime] = mapped_column(default=utcnow)
    valid_to: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        Index("ix_unit_holders_unit_rank", "unit_code", "rank"),
        CheckConstraint("rank >= 0", name="rank_non_negative"),
    )


class DeliveryHandover(Base):
    """A directive delivery passed to the holder of ``rank`` (代行), with why (append-only)."""

    __tablename__ = "delivery_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("directive_deliveries.id"))
    rank: Mapped[int] = mapped_column(Integer)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("unit_holders.id"))
    # "timeout" (no 了解 in time) or "rollcall" (injured or cannot come).
    reason: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("delivery_id", "rank"),)
