"""The LINE WORKS bot: the queue of received callback events, each person's conversation with
the bot (what it waits for: a photo's location, a shelter's evacuee count), and the replies that
could not be sent at once (retried)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dashboard.clock import utcnow
from dashboard.storage.models.base import Base


class BotInboundEvent(Base):
    """One verified callback event, stored before it is answered and worked afterwards.

    ``dedupe_key`` (SHA-256 of the raw body) is unique: LINE WORKS events carry no id, and a
    replayed or redelivered body is the same bytes, so it is stored once and acted on once.
    """

    __tablename__ = "bot_inbound_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "pending", "working" (claimed until ``claimed_until``), "done" or "failed".
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_bot_inbound_events_due", "status", "next_attempt_at"),
        Index("ix_bot_inbound_events_user", "user_id", "id"),
    )


class BotConversation(Base):
    """What the bot is waiting for from one LINE WORKS user (one row per user, overwritten: a
    conversation is working state, not history; every act it leads to is audited)."""

    __tablename__ = "bot_conversations"

    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The photo of a damage report being assembled, as downloaded (cleaned when filed).
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BotOutgoingReply(Base):
    """A reply of the bot that could not be sent at once, waiting for its next try.

    Rows are deleted when sent or given up. ``next_attempt_at`` doubles as the claim: a sender
    pushes it past its lease before trying, so no two senders send the same row.
    """

    __tablename__ = "bot_outgoing_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100))
    # The LINE WORKS message content, as it would have been sent.
    content: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_bot_outgoing_replies_due", "next_attempt_at"),
        Index("ix_bot_outgoing_replies_user", "user_id", "id"),
    )
