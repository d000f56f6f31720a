"""A municipality late with its 第N報 in a real browser: the governor's overview map labels it
「第1報 遅延」 on the map, and the mark goes (in place, on refresh) once the city has issued it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from dashboard.services import modes, sitreports
from dashboard.services.demo import ensure_demo
from dashboard.storage.db import make_engine
from dashboard.storage.migrate import upgrade_head
from dashboard.storage.models import utcnow
from tests.e2e.harness import browser_page, log_in, require_chromium, run_streamlit, wait_for_text
from tests.e2e.test_map import MAP_IFRAME, MAP_TIMEOUT_MS
from tests.e2e.test_reporting import go_to
from tests.e2e.test_sitreports import APP, _actor

pytestmark = pytest.mark.e2e


def test_the_governors_map_labels_a_late_municipality_until_it_reports(tmp_path):
    require_chromium()
    db = tmp_path / "late.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    upgrade_head(engine)
    ensure_demo(engine)  # 大阪市 with its 24 wards, and the demo's other municipalities
    governor, mayor = _actor(engine, "governor"), _actor(engine, "mayor")
    disaster_id = modes.record_disaster(
        engine,
        governor,
        name="令和8年台風第10号",
        kind="typhoon",
        area_code="27000",
        started_at=utcnow() - timedelta(hours=5),
    )
    modes.set_report_times(engine, governor, disaster_id, every_hours=3)  # 第1報 due 2 h ago
    env = {"DASHBOARD_DATABASE_URL": f"sqlite:///{db}", "DASHBOARD_REFRESH_SECONDS": "3"}
    with run_streamlit(APP, env=env) as url, browser_page() as page:
        log_in(page, url, "governor")
        wait_for_text(page, "ようこそ")
        go_to(page, "状況地図")
        frame = page.frame_locator(MAP_IFRAME)
        flagged = frame.locator(".dm-area-label:has(.dm-late)")
        flagged.first.wait_for(state="attached", timeout=MAP_TIMEOUT_MS)
        def texts(locator) -> list[str]:
            return [text.replace("\n", "") for text in locator.all_inner_texts()]

        assert "大阪市第1報 遅延" in texts(flagged)  # (the demo's others owe theirs too)
        # The city issues 第1報: the refreshing map drops the mark in place.
        sitreports.issue_report(engine, mayor, disaster_id, body_code="27100", submission_id="r1")
        labels = frame.locator(".dm-area-label")
        deadline = time.monotonic() + 90
        while "大阪市" not in texts(labels) and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        assert "大阪市" in texts(labels) and "大阪市第1報 遅延" not in texts(labels)
    engine.dispose()
