"""The stand-in in a browser: the mayor sends an urgent directive to 建設局, its head stays silent,
the worker's stand-in job (run with a later clock) passes it to deputy 1, who sees the banner,
opens it, is told they stand in, and acknowledges; the board records deputy 1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.demo_city import DEPARTMENTS
from dashboard.services import demo, directives, hq
from dashboard.services.accounts import actor_for
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

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
# 建設局 of the demo city, its head and deputy accounts.
KENSETSU = next(d for d in DEPARTMENTS if d[4] == "kensetsu")[0]


def test_a_department_deputy_acknowledges_after_the_head_stays_silent(tmp_path):
    require_chromium()
    url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    engine = make_engine(url)
    upgrade_head(engine)
    demo.seed_demo(engine)
    with reading(engine) as s:
        mayor = actor_for(s.scalars(select(User).where(User.username == "mayor")).one())
    sent_at = utcnow()
    directive_id = directives.send_directive(
        engine, mayor, submission_id="e2e-hq", ward_codes=[KENSETSU],
        template="clear_roads", priority="urgent", now=sent_at,
    )  # fmt: skip
    # The head stays silent past the urgent minutes: the worker's job passes it to deputy 1.
    assert hq.hand_over_overdue(engine, now=sent_at + timedelta(minutes=6)) == 1

    env = {
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_DEMO_MODE": "true",
        # No in-app worker: the stand-in above is the only one, on the test's clock.
        "DASHBOARD_WORKER_IN_APP": "false",
    }
    with run_streamlit(APP, env=env) as base, browser_page(height=1000) as deputy:
        log_in(deputy, base, "kensetsu-deputy")
        wait_for_text(deputy, "新しい指示")
        deputy.get_by_role("link", name="指示を開く").click()
        wait_for_text(deputy, "緊急輸送道路の被害を確認")
        wait_for_text(deputy, "代行者1に移っています")
        save_screenshot(deputy, "hq-deputy-standin")
        deputy.get_by_role("button", name="了解", exact=True).click()
        wait_for_text(deputy, "に了解しました")
        assert deputy.external_requests == []

    board = directives.directive_board(engine, mayor, directive_id)
    [row] = board.rows
    assert row.ward_code == KENSETSU and row.acknowledged_rank == 1
    assert row.handovers[0][:2] == (1, "timeout")
    assert row.acknowledged_by == "建設局次長 橋本 渡"  # the deputy, by name and post
    engine.dispose()
