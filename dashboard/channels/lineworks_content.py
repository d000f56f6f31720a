"""The content of the LINE WORKS messages the dashboard sends: a directive's ``button_template``
(its text cut to the API's limit, 了解 and the answer buttons) and ``quickReply`` objects.

What the 了解 button does is chosen per target with ``ack_action`` (see ``lineworks``): ``"uri"``
opens the signed ``ack_url``; ``"message"`` posts 了解 with postback ``ack:<delivery id>`` to the
bot's callback.
"""

from __future__ import annotations

from typing import Any

from dashboard.channels.base import Message
from dashboard.channels.lineworks_callback import (
    ACK_POSTBACK_PREFIX,
    ANSWER_POSTBACK_PREFIX,
    ANSWER_WORDS,
)
from dashboard.channels.texts import format_deadline, format_subject, format_text

# Maximum length of a button_template contentText, in characters.
CONTENT_TEXT_LIMIT = 1000
# What the 了解 button can do; the first is the default.
ACK_ACTIONS = ("uri", "message")
# Most quick-reply buttons one message may carry.
QUICK_REPLY_LIMIT = 13
# Marks text cut to fit the API limit.
ELLIPSIS = "…"


def ack_action(target: dict[str, Any]) -> str:
    """The target's ``ack_action``, or the default."""
    return target.get("ack_action") or ACK_ACTIONS[0]


def build_payload(message: Message, target: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of the message call: a button_template with one 了解 button."""
    label = message.action_label or format_text("channel.ack_button", message.language)
    if ack_action(target) == "message":
        action = {
            "type": "message",
            "label": label,
            "postback": f"{ACK_POSTBACK_PREFIX}{message.delivery_id}",
        }
    else:
        action = {"type": "uri", "label": label, "uri": message.ack_url}
    # Tapped answers first (the roll-call's safety, a directive's answer), the link last.
    pairs = list(message.choices)
    if not pairs and ack_action(target) == "message":
        pairs = [
            (
                format_text(f"channel.answer.{word}", message.language),
                f"{ANSWER_POSTBACK_PREFIX}{message.delivery_id}:{word}",
            )
            for word in ANSWER_WORDS
        ]
    choices = [{"type": "message", "label": text, "postback": postback} for text, postback in pairs]
    # 了解 first in the room, then the answers; a link's button last.
    actions = [action, *choices] if action["type"] == "message" else [*choices, action]
    content: dict[str, Any] = {
        "type": "button_template",
        "contentText": compose_text(message),
        "actions": actions,
    }
    if message.quick_replies:
        content["quickReply"] = quick_reply(message.quick_replies)
    return {"content": content}


def quick_reply(items: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> dict[str, Any]:
    """A ``quickReply`` object: one message action per (label, postback), at most 13."""
    return {
        "items": [
            {"action": {"type": "message", "label": label, "text": label, "postback": postback}}
            for label, postback in list(items)[:QUICK_REPLY_LIMIT]
        ]
    }


def compose_text(message: Message) -> str:
    """Heading, addressee, body and deadline, cutting the body so the whole fits the API limit."""
    head = [
        format_subject(message.title, message.priority, message.language),
        format_text("channel.addressee", message.language, ward_name=message.ward_name),
    ]
    tail = [format_deadline(message.deadline, message.language)] if message.deadline else []
    body = message.body.strip()
    fixed = _utf16_len("\n".join([*head, "", *tail])) + 1
    room = CONTENT_TEXT_LIMIT - fixed
    if _utf16_len(body) > room:
        body = _cut_utf16(body, max(room - len(ELLIPSIS), 0)) + ELLIPSIS
    text = "\n".join([*head, "", body, *tail])
    # Only reached when the heading alone is over the limit.
    if _utf16_len(text) > CONTENT_TEXT_LIMIT:
        text = _cut_utf16(text, CONTENT_TEXT_LIMIT - len(ELLIPSIS)) + ELLIPSIS
    return text


def _utf16_len(text: str) -> int:
    # The API counts UTF-16 code units (Java strings): an emoji outside the BMP counts twice.
    return len(text.encode("utf-16-le")) // 2


def _cut_utf16(text: str, units: int) -> str:
    """The longest prefix of ``text`` that is at most ``units`` UTF-16 code units long."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return text[:index]
    return text
