"""Outbound notification channels for directives: LINE WORKS, e-mail and webhooks.

The delivery worker looks a channel up by the ``kind`` stored with each ward's target and calls
``send(message, target, credentials, timeout=...)``; it retries later when the result says
``retryable``. Credentials come from settings, one dict per channel kind.
"""

from __future__ import annotations

from dashboard.channels.base import Channel, Message, SendResult
from dashboard.channels.lineworks import LineWorksChannel
from dashboard.channels.mail import MailChannel
from dashboard.channels.webhook import WebhookChannel

# Every channel by kind; one shared instance each (the LINE WORKS one holds the token cache).
CHANNELS: dict[str, Channel] = {
    channel.kind: channel for channel in (LineWorksChannel(), MailChannel(), WebhookChannel())
}

__all__ = ["CHANNELS", "Channel", "Message", "SendResult", "get_channel"]


def get_channel(kind: str) -> Channel:
    """The channel registered for ``kind``; KeyError naming the known kinds otherwise."""
    try:
        return CHANNELS[kind]
    except KeyError:
        known = ", ".join(sorted(CHANNELS))
        raise KeyError(f"unknown channel kind {kind!r}; known kinds: {known}") from None
