"""The bot's replies as LINE WORKS message content, sent to the person through the Bot API.

A reply with buttons is a ``button_template`` (message actions carrying a postback); quick
replies go in ``quickReply``. Texts come from our own tables and the person's own words only as
plain text: LINE WORKS renders none of it as markup.
"""

from __future__ import annotations

import logging
from typing import Any

from dashboard.channels import CHANNELS
from dashboard.channels.lineworks_content import CONTENT_TEXT_LIMIT, quick_reply
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


def send_replies(user_id: str, replies: list[Reply], settings: Settings) -> bool:
    """Send each reply in order; False if one could not be sent (logged, not retried: the act
    it reports on is stored, and the dashboard shows it)."""
    credentials = settings.channel_credentials().get("lineworks", {})
    channel = CHANNELS["lineworks"]
    for reply in replies:
        result = channel.send_content(
            user_id, to_content(reply), credentials, timeout=settings.channel_timeout_seconds
        )
        if not result.ok:
            log.warning("LINE WORKS bot reply not sent: %s", result.detail)
            return False
    return True
