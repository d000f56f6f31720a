"""Two app processes on one PostgreSQL database: the mayor sends from one, a ward head on the other
sees the banner without reloading and acknowledges, and the mayor's board shows it."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from dashboard.services import demo
from dashboard.storage.db import make_engine
from dashboard.storage.models import Base
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
# The banner must appear within the refresh interval the issue promises.
BANNER_WITHIN_S = 10


@pytest.fixture
def shared_database(pg_database_url):
    """The test run's PostgreSQL database, emptied and seeded once before both apps start
    (so the two processes never race to seed it)."""
    engine = make_engine(pg_database_url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    demo.seed_demo(engine)
    engine.dispose()
    return pg_database_url


def test_directive_round_trip_across_two_app_processes(shared_database):
    require_chromium()
    env = {"DASHBOARD_DATABASE_URL": shared_database, "DASHBOARD_DEMO_MODE": "true"}
    with (
        run_streamlit(APP, env=env) as mayor_url,
        run_streamlit(APP, env=env) as ward_url,
        browser_page(height=1000) as mayor,
    ):
        assert mayor_url != ward_url
        # Its own cookies: tabs of one browser share the login cookie across the two servers.
        ward = mayor.another_user()
        log_in(ward, ward_url, "kita-head")
        wait_for_text(ward, "担当区域：北区")

        log_in(mayor, mayor_url, "mayor")
        wait_for_text(mayor, "大阪 市太郎さん、ようこそ。")
        mayor.locator("[data-testid=stSidebar]").get_by_text("指示", exact=True).click()
        wait_for_text(mayor, "送信先")
        template = mayor.locator("[data-testid=stSelectbox]").filter(has_text="定型文")
        template.locator("input").fill("被害状況")
        template.locator("input").press("Enter")
        wait_for_text(mayor, "区内の被害状況")  # the template filled in the body
        # A click that lands while the template's rerun redraws the button is lost: try again.
        for attempt in range(3):
            mayor.get_by_role("button", name="すべての区").click()
            try:
                wait_for_text(mayor, "送信先：24か所", timeout_ms=5_000)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        wait_for_text(mayor, "東淀川区")
        save_screenshot(mayor, "directive-send")
        mayor.get_by_role("button", name="指示を送信").click()
        wait_for_text(mayor, "指示を送信しました")
        sent = time.monotonic()

        # The ward's page was not touched: the banner fragment brings the directive.
        wait_for_text(ward, "新しい指示", timeout_ms=BANNER_WITHIN_S * 1000 + 2000)
        assert time.monotonic() - sent <= BANNER_WITHIN_S + 1
        save_screenshot(ward, "directive-ward-banner")
        # 了解 is one tap, in the banner itself, wherever the ward is in the app.
        ward.get_by_role("button", name="了解する").click()
        wait_for_text(ward, "指示に了解しました。")
        save_screenshot(ward, "directive-ward-acknowledged")

        mayor.get_by_text("了解状況", exact=True).click()
        wait_for_text(mayor, "1/24")
        wait_for_text(mayor, "赤枠：未了解の区")
        mayor.locator("iframe").first.wait_for(state="visible")
        time.sleep(1)  # let the map draw for the screenshot
        save_screenshot(mayor, "directive-board")
        assert mayor.external_requests == [] and ward.external_requests == []
