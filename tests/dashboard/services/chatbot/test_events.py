"""Reading callback events in the documented formats (no database)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from dashboard.services.chatbot.events import NotAnEvent, parse_event

SOURCE = {"userId": "c72af563-0f21-4736-11e4-045237113344", "domainId": 40029600}
ISSUED = "2022-01-04T05:16:05.716Z"


def body(**event) -> bytes:
    return json.dumps({"source": SOURCE, "issuedTime": ISSUED, **event}).encode()


def test_the_documented_kinds_are_read():
    text = parse_event(body(type="message", content={"type": "text", "text": "hello"}))
    assert (text.kind, text.text, text.user_id) == ("text", "hello", SOURCE["userId"])
    assert text.issued_at == datetime(2022, 1, 4, 5, 16, 5, 716000, tzinfo=UTC)
    assert text.channel_id is None  # a 1:1 talk has no channelId
    tapped = parse_event(
        body(type="message", content={"type": "text", "text": "了解", "postback": "ack:7"})
    )
    assert (tapped.kind, tapped.postback) == ("postback", "ack:7")
    menu = parse_event(body(type="postback", data="sh_all", source={**SOURCE, "channelId": "r"}))
    assert (menu.kind, menu.postback) == ("postback", "sh_all")
    for kind in ("image", "file"):
        photo = parse_event(body(type="message", content={"type": kind, "fileId": "jp1.1.2"}))
        assert (photo.kind, photo.file_id) == ("image", "jp1.1.2")
    place = parse_event(
        body(
            type="message",
            content={
                "type": "location",
                "address": "大阪市北区",
                "latitude": 34.70267,
                "longitude": 135.50003,
            },
        )
    )
    assert (place.kind, place.lat, place.lon, place.address) == (
        "location",
        34.70267,
        135.50003,
        "大阪市北区",
    )


def test_anything_else_is_other_or_refused():
    sticker = body(type="message", content={"type": "sticker", "packageId": "1"})
    assert parse_event(sticker).kind == "other"
    assert parse_event(body(type="join")).kind == "other"
    bad_point = body(type="message", content={"type": "location", "latitude": 91, "longitude": 0})
    assert parse_event(bad_point).kind == "other"
    for broken in (b"", b"[]", b'{"type": "message"}', json.dumps({"source": SOURCE}).encode()):
        with pytest.raises(NotAnEvent):
            parse_event(broken)
