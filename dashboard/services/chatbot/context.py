"""What a handler is given (the event, who sent it, their conversation) and what it gives back
(replies); the two ways a handler stops short (``Refusal`` for the person, ``RetryLater`` for the
queue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from dashboard.domain import Actor
from dashboard.i18n import translate
from dashboard.services.chatbot.events import BotEvent
from dashboard.settings import Settings

# LINE WORKS shows at most 20 characters on a button or quick reply.
LABEL_MAX = 20


@dataclass(frozen=True)
class Speaker:
    """The person behind a LINE WORKS user id: their dashboard account (acts are audited as
    them, ``via="lineworks"``) and/or their entry in the staff register (roll-call answers)."""

    lineworks_user_id: str
    actor: Actor | None
    staff_id: int | None
    language: str = "ja"


@dataclass(frozen=True)
class Reply:
    """One message of the bot: text, optional buttons (a button template) and quick replies,
    each a (label, postback) pair."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    quick: tuple[tuple[str, str], ...] = ()


class Refusal(Exception):
    """Stop, and tell the person why (a text key and its parameters); nothing was stored."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class RetryLater(Exception):
    """A passing failure (a download): the queue tries the event again later; after the last
    try the person is told ``key``."""

    def __init__(self, detail: str, key: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.key = key


@dataclass
class Context:
    engine: Engine
    settings: Settings
    event: BotEvent
    # The event's dedupe key: submission ids derive from it, so a re-run stores nothing twice.
    key: str
    now: datetime
    speaker: Speaker
    # The person's conversation (mutable; saved after the handler).
    state: dict[str, Any] = field(default_factory=dict)
    photo: bytes | None = None

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.speaker.language, **params)

    def submission(self, tag: str = "") -> str:
        return f"lw-{self.key[:40]}{tag}"

    def require_actor(self) -> Actor:
        if self.speaker.actor is None:
            raise Refusal("bot.needs_account")
        return self.speaker.actor


def label(text: str) -> str:
    """``text`` cut to fit a button."""
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"
