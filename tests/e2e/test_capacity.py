"""Many idle pages on one app process, driven over Streamlit's websocket protocol as browsers
drive it (tests/e2e/streamlit_ws.py): a directive sent while 50 ward pages sit idle reaches every
one of them, also at 20,000 reports with 20 maps refreshing beside them; and a fresh process
never runs a page without the login gate."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text

from dashboard import demo_city
from dashboard.clock import utcnow
from dashboard.services import accounts, demo, directives
from dashboard.storage.db import make_engine, reading, transaction
from dashboard.storage.models import Base, DamageReport, User
from tests.e2e.harness import REPO_ROOT, run_streamlit
from tests.e2e.streamlit_ws import Session

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
IDLE_PAGES = 50
WARD_ACCOUNTS = ("kita-head", "kita-staff", "chuo-head", "chuo-staff")
# Poll interval (5 s) + change check (2 s), with room for a loaded machine.
REACH_WITHIN_S = 30
# The large disaster: reports, map pages refreshing, ward pages idle.
LARGE_REPORTS = 20_000
LARGE_MAPS = 20
LARGE_WARD_PAGES = 40


@pytest.fixture
def demo_database(pg_database_url):
    engine = make_engine(pg_database_url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    demo.seed_demo(engine)
    yield engine
    engine.dispose()


def login_token(engine, username: str) -> str:
    with reading(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        actor = accounts.actor_for(user)
    return accounts.start_session(engine, actor)


def test_a_directive_sent_while_50_pages_idle_reaches_every_one(demo_database):
    engine = demo_database
    env = {
        "DASHBOARD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "DASHBOARD_DEMO_MODE": "true",
        "DASHBOARD_WORKER_IN_APP": "false",
    }
    with reading(engine) as session:
        mayor = accounts.actor_for(session.scalar(select(User).where(User.username == "mayor")))
    title = f"避難所の開設状況を報告 {uuid.uuid4().hex[:6]}"  # nothing Markdown would escape
    tokens = [login_token(engine, WARD_ACCOUNTS[i % 4]) for i in range(IDLE_PAGES)]

    async def scenario(base_url: str) -> list[Session]:
        ws_url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
        pages = [Session(ws_url, base_url, token, "shelters") for token in tokens]
        for page in pages:
            await page.open()
        try:
            await asyncio.sleep(6)  # every page has polled at least once: idle
            assert all(page.timers for page in pages), "a page does not poll"
            for page in pages:
                page.watch = title.encode()
            codes = [code for code, *_ in directives.list_targets(engine, mayor)]
            await asyncio.to_thread(
                directives.send_directive,
                engine,
                mayor,
                submission_id=uuid.uuid4().hex,
                ward_codes=codes,
                title=title,
                body="本文",
                priority="high",
            )
            deadline = time.monotonic() + REACH_WITHIN_S
            while time.monotonic() < deadline and any(p.seen_at is None for p in pages):
                await asyncio.sleep(0.5)
            return pages
        finally:
            await asyncio.gather(*(page.close() for page in pages))

    with run_streamlit(APP, env=env) as base_url:
        pages = asyncio.run(scenario(base_url))
    dropped = [page.dropped for page in pages if page.dropped is not None]
    assert dropped == [], f"the server closed {len(dropped)} idle websockets: {dropped[:3]}"
    missed = [i for i, page in enumerate(pages) if page.seen_at is None]
    assert missed == [], f"{len(missed)} of {IDLE_PAGES} idle pages never showed the directive"


def seed_reports(engine, count: int) -> None:
    """``count`` damage reports around the demo wards' centres, in bulk (a large disaster)."""
    codes = [w[0] for w in demo_city.WARDS]
    centres = {w[0]: (w[3], w[4]) for w in demo_city.WARDS}
    now = utcnow()
    rows = [
        {
            "submission_id": f"capacity-{i}",
            "lat": centres[codes[i % len(codes)]][0] + 0.00001 * (i % 300),
            "lon": centres[codes[i % len(codes)]][1] + 0.00001 * (i % 270),
            "ward_code": codes[i % len(codes)],
            "reporter_ward_code": codes[i % len(codes)],
            "category": "fire" if i % 3 else "road_blocked",
            "severity": 1 + i % 4,
            "description": f"道路に亀裂 {i}",
            "review_state": "new",
            "reported_at": now - timedelta(minutes=i % 1440),
            "exercise": False,
        }
        for i in range(count)
    ]
    with transaction(engine) as session:
        session.execute(insert(DamageReport), rows)


def test_at_20000_reports_a_directive_reaches_every_page_while_maps_refresh(demo_database):
    """A large disaster: 20,000 reports, 20 maps refreshing (each fetching the map data its
    script loads) and 40 ward pages idle. The maps' data is built once and shared, so the new
    directive still reaches every ward page, and no websocket is dropped."""
    engine = demo_database
    seed_reports(engine, LARGE_REPORTS)
    env = {
        "DASHBOARD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "DASHBOARD_DEMO_MODE": "true",
        "DASHBOARD_WORKER_IN_APP": "false",
        "DASHBOARD_REFRESH_SECONDS": "5",  # the maps refresh often: a busy command room
    }
    with reading(engine) as session:
        mayor = accounts.actor_for(session.scalar(select(User).where(User.username == "mayor")))
    title = f"被害状況を報告 {uuid.uuid4().hex[:6]}"
    maps = [login_token(engine, "mayor") for _ in range(LARGE_MAPS)]
    wards = [login_token(engine, WARD_ACCOUNTS[i % 4]) for i in range(LARGE_WARD_PAGES)]

    async def scenario(base_url: str) -> tuple[list[Session], list[Session]]:
        ws_url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
        map_pages = [Session(ws_url, base_url, t, "map", fetch_map_data=True) for t in maps]
        ward_pages = [Session(ws_url, base_url, t, "shelters") for t in wards]
        pages = map_pages + ward_pages
        try:
            for page in pages:
                await page.open()
            await asyncio.sleep(8)  # every map has refreshed at least once: idle
            for page in ward_pages:
                page.watch = title.encode()
            codes = [code for code, *_ in directives.list_targets(engine, mayor)]
            await asyncio.to_thread(
                directives.send_directive,
                engine,
                mayor,
                submission_id=uuid.uuid4().hex,
                ward_codes=codes,
                title=title,
                body="本文",
                priority="high",
            )
            deadline = time.monotonic() + REACH_WITHIN_S
            while time.monotonic() < deadline and any(p.seen_at is None for p in ward_pages):
                await asyncio.sleep(0.5)
            return map_pages, ward_pages
        finally:
            await asyncio.gather(*(page.close() for page in pages))

    with run_streamlit(APP, env=env) as base_url:
        map_pages, ward_pages = asyncio.run(scenario(base_url))
    dropped = [p.dropped for p in map_pages + ward_pages if p.dropped is not None]
    assert dropped == [], f"the server closed {len(dropped)} websockets: {dropped[:3]}"
    assert all(p.map_fetches >= 1 for p in map_pages), "a map never loaded its data"
    assert sum(p.map_failures for p in map_pages) == 0
    # The map's data (tens of thousands of reports) travels once per change, not per refresh.
    assert max(p.map_fetches for p in map_pages) <= 3
    missed = [i for i, p in enumerate(ward_pages) if p.seen_at is None]
    assert missed == [], f"{len(missed)} of {LARGE_WARD_PAGES} ward pages never showed it"


def test_a_fresh_process_asked_for_a_page_first_shows_the_login(tmp_path):
    """dashboard/pages/ beside shell.py once made Streamlit run pages/admin.py directly, without
    the login gate, for the first request of a fresh process (dashboard/app.py)."""
    env = {
        "DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "DASHBOARD_WORKER_IN_APP": "false",
    }

    async def first_request(base_url: str) -> str:
        ws_url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
        page = Session(ws_url, base_url, "", "admin", keep=True)
        await page.open()
        await page.close()
        return page.texts()

    with run_streamlit(APP, env=env) as base_url:
        shown = asyncio.run(first_request(base_url))
    assert "パスワード" in shown  # the login form
    assert "exception" not in shown and "admin.py" not in shown
