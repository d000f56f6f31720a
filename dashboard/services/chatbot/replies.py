"""The bot's replies as LINE WORKS message content, sent to the person through the Bot API;
those that fail for a passing reason are queued and retried (``reply_queue``).

A reply with buttons is a ``button_template`` (message actions carrying a postback); quick
replies go in ``quickReply``. Texts come from our own tables and the person's own words only as
plain text: LINE WORKS renders none of it as markup.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from dashboard.channels import CHANNELS, SendResult
from dashboard.channels.lineworks_content import CONTENT_TEXT_LIMIT, quick_reply
from dashboard.services.chatbot import reply_queue
from dashboard.services.chatbot.context import Reply, label
from dashboard.settings import Settings

# Most buttons a button template may carry.
BUTTONS_MAX = 10
# A text message holds at most 2,000 characters.
TEXT_LIMIT = 2000

log = logging.getLogger(__name__)


def to_content(reply: Reply) -> dict[str, Any]:
    if reply.buttons:
        content: dict[str, Any] = {
            "type": "button_template",
            "contentText": reply.text[:CONTENT_TEXT_LIMIT],
            "actions": [
                {"type": "message", "label": label(text), "postback": postback}
                for text, postback in reply.buttons[:BUTTONS_MAX]
            ],
        }
    else:
        content = {"type": "text", "text": reply.text[:TEXT_LIMIT]}
    if reply.quick:
        content["quickReply"] = quick_reply([(label(t), p) for t, p in reply.quick])
    return content


def sender(settings: Settings) -> reply_queue.Sender:
    """Sends one content to one user with the settings' credentials and timeout."""
    credentials = settings.channel_credentials().get("lineworks", {})
    channel = CHANNELS["lineworks"]

    def send(user_id: str, content: dict[str, Any]) -> SendResult:
        return channel.send_content(
            user_id, content, credentials, timeout=settings.channel_timeout_seconds
        )

    return send


def send_replies(
    engine: Engine, user_id: str, replies: list[Reply], settings: Settings, *, now: datetime
) -> bool:
    """Send each reply in order; True if all went out now. From the first that fails for a
    passing reason, it and the rest are queued for a retry; behind replies already queued for
    the person, all are queued (the order holds). A refusal no retry can change is logged."""
    contents = [to_content(reply) for reply in replies]
    if not contents:
        return True
    if reply_queue.has_queued(engine, user_id):
        reply_queue.enqueue(engine, user_id, contents, now=now)
        return False
    send = sender(settings)
    for index, content in enumerate(contents):
        result = send(user_id, content)
        if result.ok:
            continue
        if result.retryable:
            log.info("LINE WORKS bot reply queued for a retry: %s", result.detail)
            reply_queue.enqueue(
                engine,
                user_id,
                contents[index:],
                now=now,
                error=result.detail,
                wait=reply_queue.first_wait(result),
            )
        else:
            log.warning("LINE WORKS bot reply not sent: %s", result.detail)
        return False
    return True


def send_queued_replies(engine: Engine, settings: Settings, *, now: datetime) -> int:
    """Retry the queued replies that are due (the worker's periodic job); how many went out."""
    return reply_queue.send_due(engine, sender(settings), now=now)
