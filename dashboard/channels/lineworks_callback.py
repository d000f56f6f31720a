"""What LINE WORKS sends back to the bot's callback URL: the signature check on the raw body, and
the postbacks of the buttons the directive messages carry (了解 ``ack:<delivery id>``, an answer
``ans:<delivery id>:<word>``).

:func:`verify_callback_signature` must be called on the raw request bytes before anything is
parsed; the bot's full event reading lives in ``services.chatbot.events``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Postback of the 了解 button in "message" mode; the delivery id follows.
ACK_POSTBACK_PREFIX = "ack:"
# Postback of a directive's answer buttons in "message" mode: ``ans:<delivery id>:<word>``,
# the word one of ANSWER_WORDS (the inbox's answer statuses, and "reply": a typed answer).
ANSWER_POSTBACK_PREFIX = "ans:"
ANSWER_WORDS = ("done", "in_progress", "cannot", "reply")


@dataclass(frozen=True)
class CallbackEvent:
    """An acknowledgement received through the bot callback ("message" ack mode)."""

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


def parse_callback(body: bytes | str) -> CallbackEvent | None:
    """The acknowledgement carried by a callback body, or None if it is anything else.

    Accepts the text message a "message" action posts (``content.postback``) and, for other
    templates, a postback event (``data``). Call only after verifying the signature.
    """
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(event, dict):
        return None
    postback = None
    if event.get("type") == "message" and isinstance(event.get("content"), dict):
        postback = event["content"].get("postback")
    elif event.get("type") == "postback":
        postback = event.get("data")
    delivery_id = _parse_ack_postback(postback)
    source = event.get("source")
    if delivery_id is None or not isinstance(source, dict):
        return None
    user_id = source.get("userId")
    if not isinstance(user_id, str) or not user_id:
        return None
    channel_id = source.get("channelId")
    return CallbackEvent(
        delivery_id=delivery_id,
        user_id=user_id,
        channel_id=channel_id if isinstance(channel_id, str) and channel_id else None,
        issued_at=_parse_time(event.get("issuedTime")),
    )


def _parse_ack_postback(postback: Any) -> int | None:
    if not isinstance(postback, str) or not postback.startswith(ACK_POSTBACK_PREFIX):
        return None
    number = postback[len(ACK_POSTBACK_PREFIX) :]
    if not number.isascii() or not number.isdigit() or number.startswith("0"):
        return None
    return int(number)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
