"""What every notification channel shares: the message, the send result and the channel protocol.

A channel turns one :class:`Message` (one directive for one ward) into one outbound delivery.
Channels never raise for network or remote errors; they report a :class:`SendResult` whose
``retryable`` flag tells the delivery worker whether trying again later can help.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from dashboard.channels.texts import format_text

# Priorities a directive can carry, mildest first.
PRIORITIES = ("normal", "high", "urgent")
# What a message is for: the directive itself, or a reminder to acknowledge it.
PURPOSES = ("directive", "reminder")
# Languages the channel texts exist in.
LANGUAGES = ("ja", "en")
# HTTP statuses that say "not now" rather than "never": rate limited, request timed out.
RETRYABLE_CLIENT_STATUSES = frozenset({408, 429})
# How much of a remote error body goes into SendResult.detail (enough to diagnose, not a dump).
DETAIL_BODY_CHARS = 200


@dataclass(frozen=True)
class Message:
    """One directive addressed to one ward, as every channel receives it."""

    directive_id: int
    delivery_id: int
    ward_code: str
    ward_name: str
    title: str
    body: str
    # One of PRIORITIES.
    priority: str
    # Timezone-aware, or None when the directive has no deadline.
    deadline: datetime | None
    # Signed link to the dashboard's acknowledgement page (token from ``signing.make_ack_token``).
    ack_url: str
    language: str = "ja"
    # This message's own id (one outbox row; the same on every retry of it, another for each
    # reminder), what it is for ("directive" or "reminder"), and which try of it this is (1, 2…).
    message_id: int = 0
    purpose: str = "directive"
    attempt: int = 1
    # Instead of 了解 and its prompt, for a link that asks for more (the roll-call answer page).
    action_label: str | None = None
    action_prompt: str | None = None
    # Answers tapped in the chat (LINE WORKS bot): (label, postback) buttons shown before the
    # link's button, and (label, postback) quick replies under the message.
    choices: tuple[tuple[str, str], ...] = ()
    quick_replies: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.priority not in PRIORITIES:
            raise ValueError(f"priority must be one of {PRIORITIES}, not {self.priority!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")
        if self.deadline is not None and self.deadline.utcoffset() is None:
            raise ValueError("deadline must be timezone-aware")
        if self.purpose not in PURPOSES:
            raise ValueError(f"purpose must be one of {PURPOSES}, not {self.purpose!r}")


@dataclass(frozen=True)
class SendResult:
    """Outcome of one delivery attempt.

    ``detail`` is for operators (HTTP status, SMTP reply, exception class); it never contains
    secrets. ``retry_after`` is the server's requested wait in seconds, when it gave one (429).
    """

    ok: bool
    retryable: bool
    detail: str
    retry_after: float | None = None

    @classmethod
    def delivered(cls, detail: str) -> SendResult:
        return cls(ok=True, retryable=False, detail=detail)

    @classmethod
    def failed(
        cls, detail: str, *, retryable: bool, retry_after: float | None = None
    ) -> SendResult:
        return cls(ok=False, retryable=retryable, detail=detail, retry_after=retry_after)


@dataclass(frozen=True)
class Problem:
    """What is wrong with a ward's channel setting: a ``channel.problem.*`` text and its fields,
    shown to the admin in their language and written to logs in English (``str``)."""

    key: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self, language: str) -> str:
        return format_text(self.key, language, **self.params)

    def __str__(self) -> str:
        return self.text("en")


@runtime_checkable
class Channel(Protocol):
    """A way to deliver a directive; registered by ``kind`` in ``dashboard.channels.CHANNELS``."""

    kind: str

    def validate_target(self, target: dict[str, Any]) -> list[Problem]:
        """Problems with a per-ward target configuration; empty when usable."""
        ...

    def send(
        self,
        message: Message,
        target: dict[str, Any],
        credentials: dict[str, Any],
        *,
        timeout: float,
    ) -> SendResult:
        """Deliver ``message`` to ``target``; never raises for network or remote errors."""
        ...


class DeliveryFailure(Exception):
    """Raised inside a channel to abort an attempt; ``send`` turns it into its ``result``."""

    def __init__(self, result: SendResult) -> None:
        super().__init__(result.detail)
        self.result = result


def classify_status(
    status: int, *, what: str, body: str = "", retry_after: str | None = None
) -> SendResult:
    """Map an HTTP status to a result: 2xx delivered; 5xx, 408, 429 retryable; other codes final."""
    if 200 <= status < 300:
        return SendResult.delivered(f"{what}: HTTP {status}")
    snippet = " ".join(body.split())[:DETAIL_BODY_CHARS]
    detail = f"{what}: HTTP {status}" + (f" {snippet}" if snippet else "")
    retryable = status >= 500 or status in RETRYABLE_CLIENT_STATUSES
    return SendResult.failed(
        detail, retryable=retryable, retry_after=parse_retry_after(retry_after)
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header in its delta-seconds form; None for anything else."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def missing_keys(mapping: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    """The keys of ``keys`` whose value in ``mapping`` is absent or empty."""
    return [key for key in keys if not mapping.get(key)]


def as_bool(value: Any) -> bool:
    """Read a flag that may come from an environment variable as a string ("true", "0", ...)."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
