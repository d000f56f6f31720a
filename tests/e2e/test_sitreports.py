"""Numbered situation reports in a real browser: 北区's head confirms the ward's figures, the city
issues 第2報 with one click, and the governor sees it among the prefecture's reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.services import modes, sitreports
from dashboard.services.accounts import actor_for
from dashboard.services.demo import ensure_demo
from dashboard.storage.db import make_engine, reading
from dashboard.storage.migrate import upgrade_head
from dashboard.storage.models import User, utcnow
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)
from tests.e2e.test_reporting import go_to

pytestmark = pytest.mark.e2e

APP = REPO_ROOT / "dashboard" / "app.py"
PAGE = "被害状況即報（第N報）"


def _actor(engine, username):
    with reading(engine) as s:
        return actor_for(s.scalars(select(User).where(User.username == username)).one())


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The demo city with a typhoon entered by the prefecture and the city's 第1報 issued."""
    require_chromium()
    db = tmp_path_factory.mktemp("sitreports") / "sitreports.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    upgrade_head(engine)
    ensure_demo(engine)
    governor, mayor = _actor(engine, "governor"), _actor(engine, "mayor")
    disaster_id = modes.record_disaster(
        engine,
        governor,
        name="令和8年台風第10号",
        kind="typhoon",
        area_code="27000",
        started_at=utcnow() - timedelta(hours=2),
    )
    modes.set_report_times(engine, governor, disaster_id, every_hours=3)
    sitreports.issue_report(
        engine, mayor, disaster_id, body_code="27100", submission_id="e2e-first"
    )
    engine.dispose()
    with run_streamlit(APP, env={"DASHBOARD_DATABASE_URL": f"sqlite:///{db}"}) as url:
        yield url


def test_ward_head_confirms_city_issues_second_report_governor_sees_it(app_url):
    with browser_page() as page:
        log_in(page, app_url, "kita-head")
        wait_for_text(page, "ようこそ")
        go_to(page, "区の即報確認")
        wait_for_text(page, "区長の確認")
        page.get_by_role("button", name="この区の数値を確認済みにする").click()
        wait_for_text(page, "北区長 が確認")
        save_screenshot(page, "sitreports-ward-confirmed")

    with browser_page() as page:
        log_in(page, app_url, "mayor")
        wait_for_text(page, "ようこそ")
        go_to(page, PAGE)
        wait_for_text(page, "第2報（案）")
        wait_for_text(page, "次の報告期限")
        page.get_by_role("button", name="第2報（その2 被害状況即報）を発出する").click()
        wait_for_text(page, "第2報を発出しました。")
        save_screenshot(page, "sitreports-city-issued")

    with browser_page() as page:
        log_in(page, app_url, "governor")
        wait_for_text(page, "ようこそ")
        go_to(page, PAGE)
        wait_for_text(page, "市町村の報告状況")
        wait_for_text(page, "第2報")  # the city's latest report on the municipalities' table
        save_screenshot(page, "sitreports-governor")
        assert page.external_requests == []
