"""PostgreSQL goes away and comes back (issue 10 #3): a proxy in front of the server is cut.

While it is cut every service raises the one ``StorageUnavailable`` (never a raw driver error)
and writes nothing; once it is restored the same call, with the same submission id, stores
exactly once, on the same engine (its pool recovers by itself). A COMMIT whose answer is lost
on the way back (stored, but the client never hears so) is retried without a duplicate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from dashboard.domain import Actor, Role
from dashboard.errors import StorageUnavailable
from dashboard.i18n import translate
from dashboard.services import accounts, chronology, command_map, damage, directives, shelters
from dashboard.services.damage import ReportDraft
from dashboard.storage import db
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import (
    AuditEntry,
    DamageReport,
    Directive,
    DirectiveDelivery,
    ShelterStatus,
)
from tests.factories import KITA, KITA_POINT, PASSWORD
from tests.tcp_proxy import TcpProxy

# A ward head as the inbox poll sees one (no rows needed: the call never gets that far).
ACTOR = Actor(1, "kita_head", "北区長", Role.WARD_HEAD, KITA)

# The outage is a network matter: PostgreSQL only (SQLite has no server to lose).
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def proxy(database_url):
    url = make_url(database_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield proxy


@pytest.fixture
def via_proxy(database_url, proxy):
    """The application's engine, reaching the database through the proxy."""
    url = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    engine = make_engine(url.render_as_string(hide_password=False))
    with reading(engine) as s:  # an open pooled connection, for the cut to break
        s.execute(text("SELECT 1"))
    yield engine
    engine.dispose()


def count(engine, model, *where) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def actions(engine, action: str) -> int:
    return count(engine, AuditEntry, AuditEntry.action == action)


def sent_directive(city) -> int:
    directive_id = directives.send_directive(
        city.engine,
        city.mayor,
        submission_id="before",
        ward_codes=[KITA],
        title="避難所の開設状況を報告",
        body="至急",
    )
    with reading(city.engine) as s:
        return s.scalar(
            select(DirectiveDelivery.id).where(DirectiveDelivery.directive_id == directive_id)
        )


@dataclass
class Case:
    """One service call: ``call(engine, city, prepared)``; ``stored(city)`` what it left."""

    call: Callable
    stored: Callable
    prepare: Callable = lambda city: None


def _draft() -> ReportDraft:
    return ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=2)


CASES = {
    "send_directive": Case(
        call=lambda e, c, _: directives.send_directive(
            e, c.mayor, submission_id="cut-1", ward_codes=[KITA], title="給水所を開設", body="至急"
        ),
        stored=lambda c: (count(c.engine, Directive), actions(c.engine, "directive.sent")),
    ),
    "acknowledge": Case(
        prepare=sent_directive,
        call=lambda e, c, delivery: directives.acknowledge(e, c.kita_head, delivery),
        stored=lambda c: actions(c.engine, "directive.acknowledged"),
    ),
    "answer": Case(
        prepare=sent_directive,
        call=lambda e, c, delivery: directives.answer(e, c.kita_head, delivery, status="done"),
        stored=lambda c: (
            actions(c.engine, "directive.answered"),
            count(c.engine, DirectiveDelivery, DirectiveDelivery.answer_status == "done"),
        ),
    ),
    "inbox_summary": Case(
        prepare=sent_directive,
        call=lambda e, c, _: directives.inbox_summary(e, c.kita_head).unread,
        stored=lambda c: None,
    ),
    "authenticate": Case(
        call=lambda e, c, _: accounts.authenticate(e, "kita_staff", PASSWORD).username,
        stored=lambda c: (
            actions(c.engine, "user.logged_in"),
            actions(c.engine, "user.login_failed"),
        ),
    ),
    "command_view": Case(
        call=lambda e, c, _: len(command_map.command_view(e, c.mayor).areas),
        stored=lambda c: None,
    ),
    "chronology": Case(
        prepare=sent_directive,
        call=lambda e, c, _: [ev.kind for ev in chronology.list_events(e, c.mayor)],
        stored=lambda c: None,
    ),
    "damage_submit": Case(
        call=lambda e, c, _: damage.submit_report(e, c.kita_staff, _draft(), submission_id="cut-1"),
        stored=lambda c: (
            count(c.engine, DamageReport),
            actions(c.engine, "damage_report.submitted"),
        ),
    ),
    "shelter_status": Case(
        call=lambda e, c, _: shelters.record_status(
            e,
            c.kita_staff,
            shelter_id=c.shelters["kita1"],
            submission_id="cut-1",
            state="full",
            evacuees=200,
        ),
        stored=lambda c: (
            count(c.engine, ShelterStatus),
            actions(c.engine, "shelter_status.recorded"),
        ),
    ),
}


# The calls that write (and must write once); the others read, or log in.
WRITES = ("send_directive", "acknowledge", "answer", "damage_submit", "shelter_status")


@pytest.mark.parametrize("name", list(CASES))
def test_a_cut_database_is_one_clear_error_and_the_same_call_succeeds_once_back(
    city, proxy, via_proxy, name
):
    case = CASES[name]
    prepared = case.prepare(city)
    before = case.stored(city)

    proxy.cut()
    for _ in range(2):  # the broken pooled connection, then a refused new one
        with pytest.raises(StorageUnavailable) as caught:
            case.call(via_proxy, city, prepared)
    assert "入力内容はそのまま残っています" in translate(
        caught.value.key, "ja", **caught.value.params
    )
    assert "Everything you typed is still here" in str(caught.value)
    assert case.stored(city) == before  # nothing written, not even a failed-login count

    proxy.restore()
    result = case.call(via_proxy, city, prepared)
    after = case.stored(city)
    if name in WRITES:
        assert after != before
        assert case.call(via_proxy, city, prepared) == result  # the retry (same id)
        assert case.stored(city) == after  # stored exactly once
    else:  # what a user sees after the outage is what they would have seen without it
        assert result == case.call(city.engine, city, prepared)


@pytest.mark.parametrize("name", ["send_directive", "damage_submit", "shelter_status"])
def test_a_commit_whose_answer_is_lost_is_stored_once_on_retry(city, proxy, via_proxy, name):
    case = CASES[name]
    before = case.stored(city)
    proxy.cut_after_commit()
    with pytest.raises(StorageUnavailable):
        case.call(via_proxy, city, None)
    assert proxy.commit_swallowed.is_set()
    stored = case.stored(city)
    assert stored != before  # the server did store it; the user was told to send again

    proxy.restore()
    first = case.call(via_proxy, city, None)
    assert case.call(via_proxy, city, None) == first
    assert case.stored(city) == stored  # the retry found it: stored exactly once


def test_a_server_that_never_answers_is_unavailable_not_a_hung_page(
    database_url, proxy, monkeypatch
):
    """Powered off or behind a dropping network, the server sends no reset: without a connect
    timeout the driver would wait for the OS (minutes), holding the page. The bound below is
    generous (30 × the timeout); it only tells "gives up" from "hangs"."""
    monkeypatch.setattr(db, "PG_CONNECT_TIMEOUT_S", 1)
    url = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    engine = make_engine(url.render_as_string(hide_password=False))
    proxy.black_hole()
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            directives.inbox_summary(engine, ACTOR)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the call hangs on a server that never answers"
    assert [type(e) for e in outcome] == [StorageUnavailable]

    proxy.restore()
    assert directives.inbox_summary(engine, ACTOR).unread == 0  # back by itself
    engine.dispose()
