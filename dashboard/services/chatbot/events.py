"""LINE WORKS callback events (Bot API 2.0) read into one small, checked shape.

The formats (developers.worksmobile.com, "Callback" and "Message Event"): every event has
``type``, ``source.userId`` (``source.channelId`` only in a group room), ``issuedTime``
(``YYYY-MM-DDThh:mm:ss.SSSZ``). A ``message`` event carries ``content`` of one ``type``:
``text`` (``text``, and ``postback`` when a message action was tapped), ``image`` or ``file``
(``fileId``, downloaded through the attachments endpoint), ``location`` (``address``,
``latitude``, ``longitude``); a ``postback`` event carries ``data``. Anything else (stickers,
joins, audio) reads as kind ``"other"`` and is ignored.

The events carry no id: a redelivery or replay is the same bytes, so the dedupe key is the
SHA-256 of the raw body.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Longest text taken from a message (a LINE WORKS message holds at most 2,000 characters).
TEXT_MAX = 2000
# Longest postback or file id looked at.
POSTBACK_MAX = 300
FILE_ID_MAX = 300
# Longest LINE WORKS user id (the column's size).
USER_ID_MAX = 100


@dataclass(frozen=True)
class BotEvent:
    """One callback event: who, when, and what (``kind``: text, postback, image, location or
    other); only the fields of its kind are set."""

    kind: str
    user_id: str
    channel_id: str | None
    issued_at: datetime
    text: str | None = None
    postback: str | None = None
    file_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    address: str | None = None


class NotAnEvent(ValueError):
    """The body is not a LINE WORKS callback event this bot can read."""


def dedupe_key(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_event(body: bytes | str) -> BotEvent:
    """The event in a (signature-checked) callback body; raises :class:`NotAnEvent`."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAnEvent("not JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("source"), dict):
        raise NotAnEvent("no source")
    user_id = data["source"].get("userId")
    if not isinstance(user_id, str) or not 0 < len(user_id) <= USER_ID_MAX:
        raise NotAnEvent("no user id")
    channel = data["source"].get("channelId")
    channel_id = channel if isinstance(channel, str) and 0 < len(channel) <= USER_ID_MAX else None
    issued_at = parse_time(data.get("issuedTime"))
    if issued_at is None:
        raise NotAnEvent("no issuedTime")
    base = {"user_id": user_id, "channel_id": channel_id, "issued_at": issued_at}
    if data.get("type") == "postback":
        return BotEvent("postback", postback=_short(data.get("data"), POSTBACK_MAX), **base)
    content = data.get("content")
    if data.get("type") != "message" or not isinstance(content, dict):
        return BotEvent("other", **base)
    kind = content.get("type")
    if kind == "text":
        postback = _short(content.get("postback"), POSTBACK_MAX)
        if postback:
            return BotEvent("postback", postback=postback, **base)
        text = content.get("text")
        return BotEvent("text", text=text[:TEXT_MAX] if isinstance(text, str) else "", **base)
    if kind in ("image", "file"):
        file_id = _short(content.get("fileId"), FILE_ID_MAX)
        return BotEvent("image", file_id=file_id, **base) if file_id else BotEvent("other", **base)
    if kind == "location":
        lat, lon = _number(content.get("latitude")), _number(content.get("longitude"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return BotEvent("other", **base)
        address = content.get("address")
        address = address[:300] if isinstance(address, str) else None
        return BotEvent("location", lat=lat, lon=lon, address=address, **base)
    return BotEvent("other", **base)


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _short(value: Any, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
