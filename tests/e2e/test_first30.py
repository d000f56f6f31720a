"""The 6/18 drill's HQ pages in a real browser (one bounded test): a 訓練 震度速報 (6弱, 大阪府北部)
arrives on a local feed; the crisis office (危機管理室) sees the drill, the declaration prompt and
the 30-minute countdown to 大阪市's 第1報 and how long the drill has run, declares in one click;
the governor sees the countdown on the 第N報 page and on the map's label of 大阪市, which keeps
counting down while the page is open and turns to 「第1報 遅延」."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from dashboard.services import rollcall
from dashboard.services.demo import ensure_demo
from dashboard.settings import Settings
from dashboard.storage.db import make_engine
from dashboard.storage.migrate import upgrade_head
from dashboard.storage.models import utcnow
from tests.dashboard.services.jma_telegrams import OSAKA_NORTH, feed, telegram
from tests.dashboard.services.test_rollcall_jma_feed import Server, jst
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)
from tests.e2e.test_map import MAP_IFRAME, MAP_TIMEOUT_MS
from tests.e2e.test_reporting import go_to

pytestmark = pytest.mark.e2e

APP = REPO_ROOT / "dashboard" / "app.py"
# The map rewrites a counting label every 30 s; room for a loaded machine.
COUNTDOWN_MS = 75_000


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("first30") / "first30.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    upgrade_head(engine)
    ensure_demo(engine)
    server = Server()
    try:
        now = utcnow()
        server.routes["/vxse51.xml"] = (
            telegram(
                status="訓練",
                origin=now - timedelta(minutes=1),
                reported=now,
                areas={OSAKA_NORTH: "6-"},
            ),
            0,
        )
        server.routes["/eqvol.xml"] = (
            feed(server.base, [("震度速報", "/vxse51.xml", jst(now))]),
            0,
        )
        settings = Settings(
            secret_key="e2e-first30-secret-0123456789abcdef",
            jma_feed_url=server.base + "/eqvol.xml",
            jma_allowed_hosts=["127.0.0.1"],
            jma_area_codes=["27100"],
            jma_accept_drills=True,
        )
        (result,) = rollcall.poll_jma_feed(engine, settings=settings, now=now)
        assert result.rollcall_id is not None
    finally:
        server.close()
        engine.dispose()
    with run_streamlit(APP, env={"DASHBOARD_DATABASE_URL": f"sqlite:///{db}"}) as url:
        yield url


def move_clock(node, *, minutes: int) -> None:
    """Move the map frame's clock (``Date.now``) on by ``minutes``."""
    node.evaluate(
        """(n, ms) => {
            const now = Date.now.bind(Date);
            Date.now = () => now() + ms;
        }""",
        minutes * 60_000,
    )


def test_the_crisis_office_is_prompted_and_counts_down_and_the_governor_sees_it(app_url):
    from playwright.sync_api import expect

    with browser_page() as page:
        log_in(page, app_url, "kikikanri")
        wait_for_text(page, "気象庁訓練報")  # the drill banner
        go_to(page, "災害モード・訓練")
        wait_for_text(page, "大阪府北部の地震（最大震度6弱）")
        wait_for_text(page, "大阪市：第1報の期限")
        wait_for_text(page, "直接即報")
        wait_for_text(page, "訓練を終了」で終了してください")  # how long the drill has run
        save_screenshot(page, "first30-prompt")
        page.get_by_role("button", name="第3非常配備で宣言する").click()
        wait_for_text(page, "災害モードを終了")  # the declaration in force, with its end button
        save_screenshot(page, "first30-declared")
        assert page.external_requests == []

    with browser_page() as page:
        log_in(page, app_url, "governor")
        wait_for_text(page, "気象庁訓練報")
        go_to(page, "被害状況即報（第N報）")
        wait_for_text(page, "大阪市：第1報の期限")
        save_screenshot(page, "first30-governor")
        go_to(page, "状況地図")
        label = page.frame_locator(MAP_IFRAME).locator(".dm-area-label:has(.dm-due)")
        label.first.wait_for(state="attached", timeout=MAP_TIMEOUT_MS)
        expect(label.first).to_be_visible()  # the governor reads it, not only the page's DOM
        due = label.first.locator(".dm-due").inner_text()
        name = label.first.inner_text().replace("\n", "").removesuffix(due)
        left = re.fullmatch(r"第1報まで (\d+)分", due)
        assert name == "大阪市" and left and 15 <= int(left[1]) <= 30, due
        page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
        save_screenshot(page, "first30-governor-map")
        # The label keeps counting down while the page stays open, then turns late: the map's
        # clock is moved on (its labels are rewritten every 30 s).
        n = int(left[1])
        move_clock(label.first, minutes=5)
        expect(label.first.locator(".dm-due")).to_have_text(
            re.compile(rf"第1報まで ({n - 5}|{n - 6}|{n - 7})分"), timeout=COUNTDOWN_MS
        )
        move_clock(label.first, minutes=40)
        flagged = page.frame_locator(MAP_IFRAME).locator(".dm-area-label .dm-late")
        expect(flagged).to_have_text("第1報 遅延", timeout=COUNTDOWN_MS)
        assert page.external_requests == []
