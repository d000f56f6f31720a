"""A reply the Bot API refuses for a passing reason (a 500) is not lost: it is queued and the
worker sends it later, once, in the order the person's replies were written."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from dashboard.services import chatbot
from dashboard.storage.db import reading
from dashboard.storage.models import BotOutgoingReply, utcnow
from tests.dashboard.services.chatbot.fake_lineworks import text

STAFF = "lw-kita-staff"
SHELTER_LIST = "避難所を選んでください。"
CONFIRMED = "を「変化なし」で確認しました。"


def waiting(engine) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(BotOutgoingReply))


def worker_cycle(talk, now) -> None:
    chatbot.process_bot_events(talk.engine, now=now, settings=talk.settings)


def test_a_reply_failing_once_is_delivered_later_once(talk):
    start = utcnow()
    talk.api.message_failures = 1
    talk.send(text(STAFF, "避難所", issued=start), now=start)
    assert talk.api.texts_to(STAFF) == []  # the API answered 500
    assert waiting(talk.engine) == 1
    worker_cycle(talk, start + timedelta(seconds=2))
    assert talk.api.texts_to(STAFF) == []  # not before its back-off
    worker_cycle(talk, start + timedelta(seconds=11))
    [reply] = talk.api.texts_to(STAFF)
    assert reply.startswith(SHELTER_LIST)
    assert waiting(talk.engine) == 0
    worker_cycle(talk, start + timedelta(minutes=5))
    assert len(talk.api.texts_to(STAFF)) == 1  # sent once


def test_a_later_reply_waits_behind_a_queued_one(talk):
    start = utcnow()
    talk.api.message_failures = 1
    talk.send(text(STAFF, "避難所", issued=start), now=start)
    talk.send(text(STAFF, "全て変化なし", issued=start), now=start)
    assert talk.api.texts_to(STAFF) == []  # the second queued behind the first
    assert waiting(talk.engine) == 2
    worker_cycle(talk, start + timedelta(seconds=11))
    replies = talk.api.texts_to(STAFF)
    assert len(replies) == 2 and replies[0].startswith(SHELTER_LIST)
    assert replies[1].endswith(CONFIRMED)


def test_a_reply_the_api_keeps_refusing_is_dropped_after_its_last_try(talk):
    start = utcnow()
    talk.api.message_failures = 100
    talk.send(text(STAFF, "避難所", issued=start), now=start)
    for minutes in (1, 2, 5, 11, 22, 40):
        worker_cycle(talk, start + timedelta(minutes=minutes))
    assert talk.api.message_failures == 100 - 6  # the first try and five retries
    assert waiting(talk.engine) == 0  # given up: the act is on the dashboard
    talk.api.message_failures = 0
    worker_cycle(talk, start + timedelta(hours=1))
    assert talk.api.texts_to(STAFF) == []
