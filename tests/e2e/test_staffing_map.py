"""The 参集状況 layer in a real browser: the mayor switches it on over the command map, each unit
of the open roll-call gets an outline and its 参集率 label, no staff name is in the map, and a
click on a ward still opens its side panel (the layer takes no clicks)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.services import demo, rollcall
from dashboard.services.accounts import actor_for
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import DEMO_SECRET, Settings
from dashboard.storage.db import make_engine, reading
from dashboard.storage.migrate import upgrade_head
from dashboard.storage.models import RollCallRecipient, StaffMember, User, utcnow
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)
from tests.e2e.test_map import MAP_IFRAME, MAP_TIMEOUT_MS, VIEWPORT
from tests.e2e.test_rollcall import STAFF_CSV
from tests.factories import without_demo_register

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"


def prepare(url: str) -> None:
    """The demo city, three staff in 北区 and 中央区, a roll-call, 北 一郎 arrived."""
    engine = make_engine(url)
    upgrade_head(engine)
    demo.seed_demo(engine)
    without_demo_register(engine)  # the three people below are the whole register
    with reading(engine) as s:
        admin = actor_for(s.scalars(select(User).where(User.username == "kikikanri")).one())
    rollcall.import_staff(engine, admin, STAFF_CSV, dry_run=False)
    rollcall.start_rollcall(engine, admin, submission_id="e2e", scope_code="27100")
    with reading(engine) as s:
        recipient_id, staff_id = s.execute(
            select(RollCallRecipient.id, StaffMember.id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(StaffMember.employee_number == "K1")
        ).one()
    token = make_answer_token(recipient_id, staff_id, secret=DEMO_SECRET, now=utcnow())
    rollcall.submit_answer(
        engine,
        token,
        submission_id="a",
        safety="safe",
        attendance="arrived",
        settings=Settings(secret_key=DEMO_SECRET),
    )
    engine.dispose()


def test_the_staffing_layer_draws_rates_and_leaves_clicks_to_the_wards(tmp_path):
    require_chromium()
    url = f"sqlite:///{tmp_path / 'staffing.sqlite3'}"
    prepare(url)
    env = {
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_DEMO_MODE": "true",
        "DASHBOARD_SECRET_KEY": DEMO_SECRET,
    }
    with run_streamlit(APP, env=env) as app_url, browser_page(**VIEWPORT) as page:
        log_in(page, app_url, "mayor")
        wait_for_text(page, "大阪 市太郎さん、ようこそ。")
        page.locator("[data-testid=stSidebar]").get_by_text("状況地図", exact=True).click()
        wait_for_text(page, "開設避難所", timeout_ms=MAP_TIMEOUT_MS)
        page.get_by_text("参集状況", exact=True).click()
        map_frame = page.frame_locator(MAP_IFRAME)
        labels = map_frame.locator(".staffing-label")
        labels.first.wait_for(state="attached", timeout=MAP_TIMEOUT_MS)
        assert sorted(labels.all_text_contents()) == ["参集0%", "参集50%"]  # 中央区 0/1, 北区 1/2
        assert labels.first.evaluate("n => getComputedStyle(n).pointerEvents") == "none"
        body = map_frame.locator("body")
        assert "北 一郎" not in body.evaluate("() => document.documentElement.outerHTML")
        page.wait_for_timeout(1_000)
        save_screenshot(page, "staffing-layer")
        map_frame.locator(".dm-area-label").get_by_text("北区", exact=True).click(force=True)
        wait_for_text(page, "最終報告", timeout_ms=MAP_TIMEOUT_MS)
        assert page.external_requests == []
