"""Outbox rows addressed to a person rather than a ward (the staff roll-call, the holder of a
directive in a unit with deputies).

A feature registers a *personal source* under its outbox purposes: given recipient ids it builds
each person's message and their addresses by channel kind. The outbox stores only the recipient
id and the channel kind, so no address or name is copied into the queue, and the worker never logs
the detail of a failed personal send (an SMTP refusal names the address).

A row is personal when it has a ``recipient_id`` (a roll-call recipient), or a delivery but no
channel target: then its source is given the delivery id and finds the person itself (whoever
holds the directive when the message is built).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CompoundSelect, Select, and_, insert, literal, or_, select
from sqlalchemy.orm import Session

from dashboard.channels import Message
from dashboard.settings import Settings
from dashboard.storage.models import OutboxMessage, UTCDateTime


@dataclass(frozen=True)
class PersonalMessage:
    """One person's message and where it goes: channel kind -> target config of that channel."""

    message: Message
    addresses: dict[str, dict[str, Any]]


# (session, recipient ids, purpose, settings, now) -> message per recipient id that still exists.
PersonalSource = Callable[[Session, list[int], str, Settings, datetime], dict[int, PersonalMessage]]
# Every registered source by outbox purpose (e.g. "rollcall", "rollcall_remind").
PERSONAL_SOURCES: dict[str, PersonalSource] = {}


def register_personal_source(purposes: Iterable[str], source: PersonalSource) -> None:
    """Let the worker build the messages of ``purposes`` with ``source``."""
    for purpose in purposes:
        PERSONAL_SOURCES[purpose] = source


def enqueue_personal(
    session: Session,
    addressed: Iterable[tuple[int, str]] | Select | CompoundSelect,
    *,
    purpose: str,
    exercise: bool,
    now: datetime,
) -> int:
    """Queue one row per (recipient id, channel kind) in the caller's transaction; how many.

    ``addressed`` may be a query of those two columns: then the database copies its rows itself
    (INSERT ... SELECT), since a roll-call queues tens of thousands of rows in one click."""
    if purpose not in PERSONAL_SOURCES:
        raise ValueError(f"no personal source registered for purpose {purpose!r}")
    fixed = {"purpose": purpose, "status": "pending", "attempts": 0, "exercise": exercise}
    if isinstance(addressed, Select | CompoundSelect):
        rows = addressed.subquery()
        source = select(
            rows.c[0],
            rows.c[1],
            *(literal(v) for v in fixed.values()),
            literal(now, UTCDateTime()),
            literal(now, UTCDateTime()),
        )
        columns = ["recipient_id", "channel_kind", *fixed, "next_attempt_at", "created_at"]
        stmt = insert(OutboxMessage).from_select(columns, source)
        return session.execute(stmt).rowcount
    values = [
        {
            "recipient_id": recipient_id,
            "channel_kind": kind,
            **fixed,
            "next_attempt_at": now,
            "created_at": now,
        }
        for recipient_id, kind in addressed
    ]
    if values:
        session.execute(insert(OutboxMessage), values)
    return len(values)


def build_personal(
    session: Session, ids: list[int], *, settings: Settings, now: datetime
) -> tuple[list[tuple[OutboxMessage, dict[str, Any], Message]], list[OutboxMessage]]:
    """For the claimed outbox ``ids`` addressed to persons: (row, target, message) of each row
    that can be sent, and the rows that cannot (unknown purpose, person gone, address removed)."""
    rows = list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                or_(
                    OutboxMessage.recipient_id.is_not(None),
                    and_(
                        OutboxMessage.channel_target_id.is_(None),
                        OutboxMessage.delivery_id.is_not(None),
                    ),
                ),
            )
            .order_by(OutboxMessage.id)
        )
    )
    by_purpose: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        by_purpose.setdefault(row.purpose, []).append(row)
    ready, unusable = [], []
    for purpose, group in by_purpose.items():
        source = PERSONAL_SOURCES.get(purpose)
        built = {}
        if source is not None:
            built = source(session, sorted({_person_key(r) for r in group}), purpose, settings, now)
        for row in group:
            personal = built.get(_person_key(row))
            target = personal.addresses.get(row.channel_kind) if personal else None
            if personal is None or target is None:
                unusable.append(row)
            else:
                ready.append((row, target, personal.message))
    return ready, unusable


def _person_key(row: OutboxMessage) -> int:
    """What a personal source is given for a row: its recipient, else its delivery."""
    return row.recipient_id if row.recipient_id is not None else row.delivery_id
