"""SQLite locked by another connection for longer than the busy timeout (issue 10 #3).

Another process (here: a plain ``sqlite3`` connection) holds the write lock; the busy timeout
(``SQLITE_BUSY_TIMEOUT_S``, 30 s in production, 1 s here so the test does not wait 40 s) runs out.
Every write then raises the one ``StorageUnavailable`` with the clear message, nothing is half
written, reads still work (WAL), and the same call succeeds once the lock is released.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import make_url

from dashboard.errors import StorageUnavailable
from dashboard.i18n import translate
from dashboard.services import directives
from dashboard.storage import db
from dashboard.storage.db import reading
from dashboard.storage.models import DirectiveDelivery
from tests.dashboard.services.test_outage import CASES, WRITES, sent_directive

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def impatient(database_url, monkeypatch):
    """The app's engine with a 1 s busy timeout (the same code path as the real 30 s)."""
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_S", 1)
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def write_lock(database_url):
    """Hold the database's write lock from another connection until ``release()``."""
    other = sqlite3.connect(make_url(database_url).database, isolation_level=None)

    class Lock:
        def take(self) -> None:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE users SET display_name = display_name")  # a pending write

        def release(self) -> None:
            other.execute("ROLLBACK")

    yield Lock()
    other.close()


@pytest.mark.parametrize("name", [*WRITES, "authenticate"])
def test_a_write_behind_a_long_lock_is_refused_clearly_and_succeeds_after(
    city, impatient, write_lock, name
):
    case = CASES[name]
    prepared = case.prepare(city)
    before = case.stored(city)

    write_lock.take()
    with pytest.raises(StorageUnavailable) as caught:
        case.call(impatient, city, prepared)
    message = translate(caught.value.key, "ja", **caught.value.params)
    assert "混み合っている" in message and "入力内容はそのまま残っています" in message
    assert "OperationalError" in message  # the short reason, never a traceback or SQL
    # Readers are never blocked by the writer (WAL): the ward still sees its inbox.
    assert directives.inbox_summary(impatient, city.kita_head) is not None
    write_lock.release()
    assert case.stored(city) == before  # nothing half-written

    result = case.call(impatient, city, prepared)
    after = case.stored(city)
    assert after != before
    if name in WRITES:
        assert case.call(impatient, city, prepared) == result
        assert case.stored(city) == after  # stored exactly once


def test_the_inbox_poll_still_shows_new_directives_while_writes_wait(city, impatient, write_lock):
    delivery_id = sent_directive(city)
    write_lock.take()
    summary = directives.inbox_summary(impatient, city.kita_head)
    write_lock.release()
    assert (summary.unread, summary.newest.title) == (1, "避難所の開設状況を報告")
    assert delivered_at(city.engine, delivery_id) is None  # the receipt could not be stored yet
    directives.inbox_summary(impatient, city.kita_head)  # the next poll stores it
    assert delivered_at(city.engine, delivery_id) is not None


def delivered_at(engine, delivery_id):
    with reading(engine) as s:
        return s.get(DirectiveDelivery, delivery_id).delivered_at
