"""Loading and saving a person's conversation with the bot (``BotConversation``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dashboard.storage.models import BotConversation


def load(session: Session, user_id: str) -> tuple[dict[str, Any], bytes | None]:
    row = session.get(BotConversation, user_id)
    return (dict(row.state or {}), row.photo) if row is not None else ({}, None)


def save(
    session: Session, user_id: str, state: dict[str, Any], photo: bytes | None, *, now: datetime
) -> None:
    row = session.get(BotConversation, user_id)
    if row is None:
        if not state and photo is None:
            return
        row = BotConversation(user_id=user_id)
        session.add(row)
    row.state, row.photo, row.updated_at = dict(state), photo, now
