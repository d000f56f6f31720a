"""Issue 20, defect 6: the JMA poll has one deadline for all it fetches (a feed trickling a byte
at a time ends), follows redirects and entry links only to allowed hosts, never reaches loopback,
link-local or private addresses unless listed, lets no ``http.client.HTTPException`` escape, and
keeps the feed's health: last success, last error, an alert to the crisis office after N minutes
of failures (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.clock import utcnow
from dashboard.services import first30, rollcall
from dashboard.services.rollcall.jma_feed import FetchFailed, fetch
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry
from tests.dashboard.services.jma_telegrams import feed
from tests.dashboard.services.test_rollcall import STAFF, csv_of
from tests.dashboard.services.test_rollcall_jma_feed import (
    LOCAL,
    Server,
    jma,
    jst,
    rollcalls,
    settings_for,
)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def staffed(city):
    assert rollcall.import_staff(city.engine, city.admin, csv_of(STAFF), dry_run=False).applied
    return city


def trickle(handler):
    """Headers at once, then one byte every 0.3 s for ever (until the client hangs up)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/xml")
    handler.end_headers()
    try:
        for _ in range(200):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.3)
    except OSError:
        pass


def redirect_to(location: str):
    def answer(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def garbage(handler):
    handler.wfile.write(b"NOT-HTTP garbage\r\n\r\n")


def audits(engine, action: str) -> int:
    with reading(engine) as s:
        return len(s.scalars(select(AuditEntry.id).where(AuditEntry.action == action)).all())


def test_a_trickling_feed_ends_at_the_polls_deadline(server):
    server.raw["/trickle.xml"] = trickle
    began = time.monotonic()
    with pytest.raises(FetchFailed, match="deadline"):
        # Each read gets a byte well within any per-read timeout; only the deadline ends it.
        fetch(server.base + "/trickle.xml", timeout=1.5, max_bytes=10_000, allowed=LOCAL)
    assert time.monotonic() - began < 3


def test_internal_addresses_are_refused_unless_listed(server):
    server.routes["/r.xml"] = (b"<x/>", 0)
    with pytest.raises(FetchFailed, match="internal"):
        fetch(server.base + "/r.xml", timeout=5, max_bytes=1000)
    assert server.requests == []  # refused before connecting
    assert fetch(server.base + "/r.xml", timeout=5, max_bytes=1000, allowed=LOCAL) == b"<x/>"


def test_redirects_and_links_stay_on_allowed_hosts(staffed, server):
    server.routes["/ok.xml"] = (b"<x/>", 0)
    server.raw["/same.xml"] = redirect_to("/ok.xml")
    server.raw["/meta.xml"] = redirect_to("http://169.254.169.254/latest/meta-data/")
    server.raw["/pg.xml"] = redirect_to("http://localhost:5432/")
    server.raw["/ftp.xml"] = redirect_to("ftp://127.0.0.1/x")
    assert fetch(server.base + "/same.xml", timeout=5, max_bytes=1000, allowed=LOCAL) == b"<x/>"
    for path in ("/meta.xml", "/pg.xml", "/ftp.xml"):
        with pytest.raises(FetchFailed):
            fetch(server.base + path, timeout=5, max_bytes=1000, allowed=LOCAL)
    # A feed entry linking elsewhere is not fetched; the poll says so in the feed's health.
    now = utcnow()
    server.routes["/eqvol.xml"] = (
        feed("http://169.254.169.254", [("震度速報", "/x.xml", jst(now))]),
        0,
    )
    settings = settings_for(server.base + "/eqvol.xml")
    assert rollcall.poll_jma_feed(staffed.engine, settings=settings, now=now) == []
    health = rollcall.feed_health(staffed.engine, staffed.admin, settings)
    assert "169.254.169.254" in health.last_error and rollcalls(staffed.engine) == []


def test_http_protocol_errors_do_not_escape(staffed, server):
    server.raw["/garbage.xml"] = garbage
    with pytest.raises(FetchFailed):
        fetch(server.base + "/garbage.xml", timeout=5, max_bytes=1000, allowed=LOCAL)
    settings = settings_for(server.base + "/garbage.xml")
    assert rollcall.poll_jma_feed(staffed.engine, settings=settings, now=utcnow()) == []


def test_failing_polls_alert_the_crisis_office_once_and_recovery_is_recorded(staffed, server):
    engine, admin = staffed.engine, staffed.admin
    settings = settings_for(server.base + "/missing.xml", jma_alert_after_minutes=10)
    now = utcnow()
    for minute in (0, 5, 11, 15):
        rollcall.poll_jma_feed(engine, settings=settings, now=now + timedelta(minutes=minute))
    health = rollcall.feed_health(engine, admin, settings)
    assert health.last_success_at is None and health.last_error == "HTTP 404"
    assert health.failing_since == now and health.alerting
    assert audits(engine, "jma_feed.failing") == 1
    (notice,) = first30.first30_notices(engine, admin, settings=settings)
    assert notice.kind == "feed"
    server.routes["/missing.xml"] = (jma("3"), 0)
    later = now + timedelta(minutes=16)
    rollcall.poll_jma_feed(engine, settings=settings, now=later)
    health = rollcall.feed_health(engine, admin, settings)
    assert health.last_success_at == later and not health.alerting
    assert audits(engine, "jma_feed.recovered") == 1
    assert first30.first30_notices(engine, admin, settings=settings) == []


def test_a_hung_poll_does_not_stop_later_polls_silently(staffed, server):
    server.raw["/trickle.xml"] = trickle
    settings = settings_for(
        server.base + "/trickle.xml", jma_poll_seconds=10, jma_deadline_seconds=1.0
    )
    now = utcnow()
    rollcall.poll_jma_job(staffed.engine, now=now, settings=settings)
    rollcall.poll_jma_job(staffed.engine, now=now + timedelta(seconds=11), settings=settings)
    health = rollcall.feed_health(staffed.engine, staffed.admin, settings)
    assert health.last_error == "previous poll still running"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        health = rollcall.feed_health(staffed.engine, staffed.admin, settings)
        if health.last_error != "previous poll still running":
            break
        time.sleep(0.1)
    assert "deadline" in health.last_error
    # The deadline ended it: the next due poll starts again.
    server.raw.pop("/trickle.xml")
    server.routes["/trickle.xml"] = (jma("3"), 0)
    rollcall.poll_jma_job(staffed.engine, now=now + timedelta(seconds=22), settings=settings)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        health = rollcall.feed_health(staffed.engine, staffed.admin, settings)
        if health.last_success_at is not None:
            break
        time.sleep(0.1)
    assert health.last_success_at == now + timedelta(seconds=22)
