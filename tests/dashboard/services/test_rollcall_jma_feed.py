"""JMA telegrams from a URL: a local HTTP server on 127.0.0.1 (allowed only because the tests
list it in ``jma_allowed_hosts``) serves a feed like JMA's eqvol.xml and telegrams in JMA's
layout, valid and malformed; a 5弱+ in the area starts a roll-call once; the whole poll has one
deadline (a trickling feed ends), redirects and links stay on allowed hosts, internal addresses
are refused unless listed, the feed's health is recorded and alerts after N minutes (SQLite and
PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from dashboard.clock import utcnow
from dashboard.services import rollcall
from dashboard.services.rollcall.jma_feed import FetchFailed, fetch
from dashboard.settings import Settings
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, RollCall
from tests.dashboard.services.jma_telegrams import OSAKA_NORTH, feed, telegram
from tests.dashboard.services.test_rollcall import SECRET, STAFF, csv_of
from tests.factories import CITY

LOCAL = ("127.0.0.1",)
VXSE53 = "震源・震度に関する情報"


def jma(value: str, *, status: str = "通常", event: str = "20260618075800") -> bytes:
    """A 震源・震度に関する情報 with 大阪市北区 at ``value``."""
    return telegram(
        title=VXSE53,
        status=status,
        event_id=event,
        serial="1",
        origin=utcnow() - timedelta(minutes=2),
        hypocenter="大阪府北部",
        cities={"2712700": (OSAKA_NORTH, value)},
    )


class Server:
    """Paths → (body, delay seconds); every request's path is kept."""

    def __init__(self):
        self.routes: dict[str, tuple[bytes, float]] = {}
        # Paths answered by a function of the request handler (redirects, trickles, garbage).
        self.raw: dict[str, object] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                if self.path in server.raw:
                    server.raw[self.path](self)
                    return
                body, delay = server.routes.get(self.path, (b"", 0))
                time.sleep(delay)
                self.send_response(200 if self.path in server.routes else 404)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def staffed(city):
    assert rollcall.import_staff(city.engine, city.admin, csv_of(STAFF), dry_run=False).applied
    return city


def settings_for(url: str | None, **kw) -> Settings:
    kw.setdefault("jma_allowed_hosts", list(LOCAL))
    return Settings(secret_key=SECRET, jma_feed_url=url, jma_area_codes=[CITY], **kw)


def jst(dt) -> str:
    return (dt + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M:%S+09:00")


def rollcalls(engine) -> list[RollCall]:
    with reading(engine) as s:
        return list(s.scalars(select(RollCall).order_by(RollCall.id)))


def audit_count(engine, action: str) -> int:
    with reading(engine) as s:
        return len(s.scalars(select(AuditEntry.id).where(AuditEntry.action == action)).all())


def test_a_5_upper_in_the_feed_starts_one_rollcall_of_the_matching_tier(staffed, server):

    now = utcnow()
    server.routes["/vxse53.xml"] = (jma("5+"), 0)
    server.routes["/eqvol.xml"] = (
        feed(
            server.base,
            [("震源・震度に関する情報", "/vxse53.xml", jst(now)), ("噴火速報", "/x.xml", jst(now))],
        ),
        0,
    )
    settings = settings_for(server.base + "/eqvol.xml")
    (result,) = rollcall.poll_jma_feed(staffed.engine, settings=settings, now=now)
    assert (result.area_code, result.intensity) == (CITY, "5+")
    (started,) = rollcalls(staffed.engine)
    assert (started.id, started.trigger, started.tier, started.scope_code) == (
        result.rollcall_id,
        "intensity",
        3,
        CITY,
    )
    # Polled again: the report is known, nothing is fetched again or started twice.
    assert rollcall.poll_jma_feed(staffed.engine, settings=settings, now=now) == []
    assert server.requests.count("/vxse53.xml") == 1 and "/x.xml" not in server.requests
    assert len(rollcalls(staffed.engine)) == 1
    assert audit_count(staffed.engine, "jma_report.read") == 1


def test_a_report_url_is_read_directly_and_weak_shaking_starts_nothing(staffed, server):

    server.routes["/report.xml"] = (jma("4"), 0)
    settings = settings_for(server.base + "/report.xml")
    (result,) = rollcall.poll_jma_feed(staffed.engine, settings=settings, now=utcnow())
    assert (result.intensity, result.rollcall_id) == ("4", None)
    assert rollcalls(staffed.engine) == []


def test_a_malformed_report_is_recorded_once_and_starts_nothing(staffed, server):

    now = utcnow()
    server.routes["/bad.xml"] = (b"<Report><Body>not closed", 0)
    server.routes["/eqvol.xml"] = (feed(server.base, [("震度速報", "/bad.xml", jst(now))]), 0)
    settings = settings_for(server.base + "/eqvol.xml")
    (result,) = rollcall.poll_jma_feed(staffed.engine, settings=settings, now=now)
    assert result.invalid and result.rollcall_id is None
    assert rollcall.poll_jma_feed(staffed.engine, settings=settings, now=now) == []
    assert server.requests.count("/bad.xml") == 1
    server.routes["/eqvol.xml"] = (b"<feed><entry>", 0)  # a broken feed itself
    assert rollcall.poll_jma_feed(staffed.engine, settings=settings, now=now)[0].invalid
    assert rollcalls(staffed.engine) == []


def test_old_reports_in_the_feed_call_nobody_in(staffed, server):

    now = utcnow()
    server.routes["/old.xml"] = (jma("6+"), 0)
    old = jst(now - timedelta(days=2))
    server.routes["/eqvol.xml"] = (feed(server.base, [("震度速報", "/old.xml", old)]), 0)
    settings = settings_for(server.base + "/eqvol.xml")
    assert rollcall.poll_jma_feed(staffed.engine, settings=settings, now=now) == []
    assert rollcalls(staffed.engine) == [] and "/old.xml" not in server.requests


def test_fetches_are_bounded_in_time_and_size(server):
    server.routes["/slow.xml"] = (b"<x/>", 3)
    server.routes["/big.xml"] = (b"<x>" + b"a" * 5000 + b"</x>", 0)
    began = time.monotonic()
    with pytest.raises(FetchFailed):
        fetch(server.base + "/slow.xml", timeout=0.5, max_bytes=10_000, allowed=LOCAL)
    assert time.monotonic() - began < 2.5
    with pytest.raises(FetchFailed):
        fetch(server.base + "/big.xml", timeout=5, max_bytes=1000, allowed=LOCAL)
    with pytest.raises(FetchFailed):
        fetch("file:///etc/passwd", timeout=5, max_bytes=1000, allowed=LOCAL)
    got = fetch(server.base + "/big.xml", timeout=5, max_bytes=10_000, allowed=LOCAL)
    assert got.startswith(b"<x>")


def test_an_unreachable_feed_is_logged_and_the_poll_goes_on(staffed, server, caplog):

    settings = settings_for(server.base + "/missing.xml")  # 404
    assert rollcall.poll_jma_feed(staffed.engine, settings=settings, now=utcnow()) == []
    assert "JMA feed not fetched" in caplog.text


def test_without_a_configured_url_nothing_is_fetched(staffed, server):

    settings = settings_for(None)
    assert rollcall.poll_jma_feed(staffed.engine, settings=settings, now=utcnow()) == []
    rollcall.poll_jma_job(staffed.engine, now=utcnow(), settings=settings)
    assert server.requests == [] and Settings(secret_key=SECRET).jma_feed_url is None


def test_the_worker_job_polls_in_its_own_thread_at_most_every_interval(staffed, server):

    now = utcnow()
    server.routes["/r.xml"] = (jma("5-"), 1.0)  # a slow feed
    settings = settings_for(server.base + "/r.xml", jma_poll_seconds=60)
    began = time.monotonic()
    rollcall.poll_jma_job(staffed.engine, now=now, settings=settings)
    assert time.monotonic() - began < 0.5  # delivery is not held up
    rollcall.poll_jma_job(staffed.engine, now=now + timedelta(seconds=5), settings=settings)
    deadline = time.monotonic() + 20
    while not rollcalls(staffed.engine) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [r.tier for r in rollcalls(staffed.engine)] == [2]
    assert server.requests == ["/r.xml"]


def test_a_drill_telegram_starts_a_drill_rollcall_only_when_the_install_takes_drills(
    staffed, server
):
    server.routes["/r.xml"] = (jma("6-", status="訓練"), 0)
    rollcall.poll_jma_feed(
        staffed.engine, settings=settings_for(server.base + "/r.xml"), now=utcnow()
    )
    assert rollcalls(staffed.engine) == []  # drills not accepted: logged only
    server.routes["/r2.xml"] = (jma("6-", status="訓練", event="20260618080000"), 0)
    settings = settings_for(server.base + "/r2.xml", jma_accept_drills=True)
    rollcall.poll_jma_feed(staffed.engine, settings=settings, now=utcnow())
    (started,) = rollcalls(staffed.engine)
    assert started.exercise and started.tier == 4
    assert audit_count(staffed.engine, "jma_telegram.ignored") == 1


def test_a_feed_whose_entries_repeat_reads_each_telegram_once(staffed, server):
    now = utcnow()
    server.routes["/vxse53.xml"] = (jma("6-"), 0)
    entry = ("震源・震度に関する情報", "/vxse53.xml", jst(now))
    server.routes["/eqvol.xml"] = (feed(server.base, [entry, entry, entry]), 0)
    settings = settings_for(server.base + "/eqvol.xml")
    (result,) = rollcall.poll_jma_feed(staffed.engine, settings=settings, now=now)
    assert result.intensity == "6-" and result.rollcall_id is not None
    assert server.requests.count("/vxse53.xml") == 1
    assert len(rollcalls(staffed.engine)) == 1
