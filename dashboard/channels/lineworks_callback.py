"""What LINE WORKS sends back to the bot's callback URL: the signature check on the raw body, and
the postbacks of the buttons the directive messages carry (了解 ``ack:<delivery id>``, an answer
``ans:<delivery id>:<word>``).

:func:`verify_callback_signature` must be called on the raw request bytes before anything is
parsed; the bot reads the events themselves in ``services.chatbot.events``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

# Postback of the 了解 button in "message" mode; the delivery id follows.
ACK_POSTBACK_PREFIX = "ack:"
# Postback of a directive's answer buttons in "message" mode: ``ans:<delivery id>:<word>``,
# the word one of ANSWER_WORDS (the inbox's answer statuses, and "reply": a typed answer).
ANSWER_POSTBACK_PREFIX = "ans:"
ANSWER_WORDS = ("done", "in_progress", "cannot", "reply")


@dataclass(frozen=True)
class CallbackEvent:
    """An acknowledgement received through the bot callback ("message" ack mode), as
    ``directives.acknowledge_in_room`` takes it."""

    delivery_id: int
    # LINE WORKS user who pressed 了解.
    user_id: str
    # Talk room it was pressed in; None in a one-to-one room (LINE WORKS omits it there).
    channel_id: str | None
    issued_at: datetime | None


def verify_callback_signature(body: bytes, signature_header: str, bot_secret: str) -> bool:
    """Whether ``X-WORKS-Signature`` is base64(HMAC-SHA256(bot secret, raw body)).

    Check this on the raw request bytes before parsing anything.
    """
    if not signature_header or not bot_secret:
        return False
    expected = base64.b64encode(hmac.new(bot_secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature_header.strip().encode("utf-8", "replace"))
