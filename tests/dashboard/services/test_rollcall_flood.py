"""Answer flooding through one roll-call link (issue 20 #10), and links of an ended roll-call.

A link takes ``ANSWERS_PER_WINDOW`` answers a minute (a person correcting an answer), then a
clear refusal until the minute has passed; the answer page reads only the latest answers,
however many were stored; once the crisis office ends the roll-call its links take no more.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dashboard.errors import PermissionDenied, Throttled
from dashboard.services import rollcall
from dashboard.services.rollcall.answers import ANSWERS_PER_WINDOW, HISTORY_SHOWN
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import RollCallAnswer, RollCallRecipient, utcnow
from tests.factories import CITY

STAFF_CSV = b"employee_number,name,unit_code,tier,email\nK1,x,27127,1,k1@example.lg.jp\n"


@pytest.fixture
def link(city):
    rollcall.import_staff(city.engine, city.admin, STAFF_CSV, dry_run=False)
    rc = rollcall.start_rollcall(city.engine, city.admin, submission_id="rc", scope_code=CITY)
    with reading(city.engine) as s:
        recipient = s.scalars(select(RollCallRecipient)).one()
    secret = get_settings().secret_key
    token = make_answer_token(recipient.id, recipient.staff_id, secret=secret, now=utcnow())
    return rc, recipient.id, token


def answer(engine, token, sid, now=None, **fields):
    values = {"safety": "safe", "attendance": "can_come", **fields}
    return rollcall.submit_answer(engine, token, submission_id=sid, now=now, **values)


def stored(engine) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(RollCallAnswer))


def test_a_link_takes_a_few_answers_a_minute_then_refuses_clearly(city, link):
    _, _, token = link
    now = utcnow()
    for n in range(ANSWERS_PER_WINDOW):
        answer(city.engine, token, f"a{n}", now=now + timedelta(seconds=n))
    with pytest.raises(Throttled) as refused:
        answer(city.engine, token, "flood", now=now + timedelta(seconds=20))
    assert refused.value.key == "rollcall.too_many_answers"
    assert stored(city.engine) == ANSWERS_PER_WINDOW
    # A retry of an answer already stored is still answered; a minute later, new ones again.
    assert answer(city.engine, token, "a0", now=now + timedelta(seconds=30)) is not None
    answer(city.engine, token, "later", now=now + timedelta(seconds=70))
    assert stored(city.engine) == ANSWERS_PER_WINDOW + 1


def test_the_answer_page_reads_only_the_latest_answers(city, link):
    _, recipient_id, token = link
    start = utcnow() - timedelta(hours=1)
    with transaction(city.engine) as s:
        s.add_all(
            RollCallAnswer(
                submission_id=f"old{n}",
                recipient_id=recipient_id,
                safety="safe",
                attendance="can_come",
                comment=str(n),
                answered_at=start + timedelta(seconds=n),
            )
            for n in range(500)
        )
    page = rollcall.answer_page(city.engine, token)
    assert len(page.history) == HISTORY_SHOWN
    assert page.latest.comment == "499"  # the newest, last
    assert [h.comment for h in page.history][0] == str(500 - HISTORY_SHOWN)


def test_an_ended_roll_call_takes_no_more_answers(city, link):
    rc, _, token = link
    answer(city.engine, token, "before")
    rollcall.end_rollcall(city.engine, city.admin, rc)
    with pytest.raises(PermissionDenied) as refused:
        answer(city.engine, token, "after")
    assert refused.value.key == "rollcall.answers_closed"
    assert answer(city.engine, token, "before") is not None  # a retry is still answered
    assert stored(city.engine) == 1
    assert len(rollcall.answer_page(city.engine, token).history) == 1
