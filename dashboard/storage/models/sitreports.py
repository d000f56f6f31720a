"""Disasters (災害) and their numbered situation reports (第N報): ward tallies, ward heads'
confirmations and the issued reports, each an immutable snapshot of every figure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.clock import utcnow
from dashboard.storage.models.base import Base


class Disaster(Base):
    """A disaster record (災害名, kind, start, area). Declarations, directives, reports and shelter
    status fall under it by time window and area; a drill's disasters carry ``exercise``."""

    __tablename__ = "disasters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    area_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # Reporting times the prefecture sets: every N hours from the start, and/or fixed clock
    # times ("HH:MM", Japan time) each day.
    report_every_hours: Mapped[int | None] = mapped_column(Integer)
    report_times: Mapped[list[str]] = mapped_column(default=list)
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # 覚知: when the city learnt of the disaster (an earthquake's first JMA telegram); the first
    # report (第1報) is due FIRST_REPORT_MINUTES after it.
    known_at: Mapped[datetime | None]


class WardTally(Base):
    """A figure a ward head enters for one row of the report (append-only; the newest counts).
    ``value`` None means 未確認 (not yet confirmed), which is not 0."""

    __tablename__ = "ward_tallies"

    id: Mapped[int] = mapped_column(primary_key=True)
    disaster_id: Mapped[int] = mapped_column(ForeignKey("disasters.id"))
    ward_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    row_key: Mapped[str] = mapped_column(String(32))
    value: Mapped[int | None] = mapped_column(Integer)
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_ward_tallies_disaster_ward", "disaster_id", "ward_code"),)


class WardConfirmation(Base):
    """A ward head confirms the ward's figures as of ``confirmed_at`` (append-only)."""

    __tablename__ = "ward_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    disaster_id: Mapped[int] = mapped_column(ForeignKey("disasters.id"))
    ward_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_ward_confirmations_disaster_ward", "disaster_id", "ward_code"),)


class SituationReport(Base):
    """An issued 第N報 of a reporting body (a municipality or the prefecture): never changed;
    a correction is the next number. ``figures`` holds every figure per ward (or municipality)."""

    __tablename__ = "situation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    disaster_id: Mapped[int] = mapped_column(ForeignKey("disasters.id"))
    body_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    number: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[datetime]
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_by_name: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("disaster_id", "body_code", "number", name="uq_situation_reports_number"),
    )
