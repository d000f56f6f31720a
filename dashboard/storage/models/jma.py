"""JMA earthquake telegrams (気象庁防災情報XML) as events: one row per earthquake (``EventID``)
and mode, updated by every later report of it; and the health of the feed poll."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.clock import utcnow
from dashboard.storage.models.base import Base


class JmaEvent(Base):
    """One earthquake as JMA's telegrams describe it (震度速報 → 震源・震度に関する情報 → …).

    ``known_at`` is 覚知, the first telegram's arrival; ``intensities`` the strongest intensity
    per jurisdiction of the install (municipalities and wards), ``tiers`` the tier already called
    in per area, so that a later raise calls in only the additional tier."""

    __tablename__ = "jma_events"
    __table_args__ = (UniqueConstraint("event_id", "exercise"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(200))
    origin_at: Mapped[datetime]
    known_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The latest report taken: its kind (VXSE51/52/53 title), serial and report time.
    last_title: Mapped[str] = mapped_column(String(100))
    last_serial: Mapped[int | None] = mapped_column(Integer)
    last_report_at: Mapped[datetime | None]
    max_int: Mapped[str | None] = mapped_column(String(4))
    intensities: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tiers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    disaster_id: Mapped[int | None] = mapped_column(ForeignKey("disasters.id"))
    # 取消: JMA withdrew the report; the crisis office decides about what was started.
    withdrawn_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]


class JmaFeedHealth(Base):
    """The feed poll's last success and last failure (one row per feed URL)."""

    __tablename__ = "jma_feed_health"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_digest: Mapped[str] = mapped_column(String(64), unique=True)
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # First failure of the current run of failures (None while polls succeed).
    failing_since: Mapped[datetime | None]
    alerted_at: Mapped[datetime | None]
