"""The LINE WORKS bot's inbound side: ward staff report, answer and acknowledge from the talk
room they already use.

``events`` reads a callback; ``dispatch`` verifies and queues it (``receive_callback``, before
the HTTP answer) and works the queue (``process_due``; ``process_bot_events`` is the delivery
worker's periodic job); ``people`` finds the dashboard account and register entry of a LINE
WORKS user id; ``registry`` holds one handler per kind of message, registered by the feature
modules ``rollcall_acts``, ``directive_acts``, ``shelter_acts`` and ``damage_acts``.
"""

from dashboard.services.chatbot import (  # noqa: F401 - importing registers their handlers
    damage_acts,
    directive_acts,
    rollcall_acts,
    shelter_acts,
)
from dashboard.services.chatbot.damage_acts import MAX_ATTACHMENT_BYTES
from dashboard.services.chatbot.dispatch import (
    MAX_CALLBACK_BYTES,
    Received,
    process_bot_events,
    process_due,
    receive_callback,
)
from dashboard.services.chatbot.queue import count_by_status
from dashboard.services.gate import gate

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_CALLBACK_BYTES",
    "Received",
    "count_by_status",
    "process_bot_events",
    "process_due",
    "receive_callback",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
