"""A staff member answers the roll-call on a 390 px phone through the personal link (no login);
the crisis office's board, in another browser, shows the answer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.services import demo, rollcall
from dashboard.services.accounts import actor_for
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import DEMO_SECRET
from dashboard.storage.db import make_engine, reading
from dashboard.storage.migrate import upgrade_head
from dashboard.storage.models import RollCallRecipient, StaffMember, User, utcnow
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    open_app,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)
from tests.factories import without_demo_register

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
PHONE = {"width": 390, "height": 844}
STAFF_CSV = (
    "employee_number,name,unit_code,tier,email\n"
    "K1,北 一郎,27127,1,k1@example.lg.jp\n"
    "K2,北 二郎,27127,2,k2@example.lg.jp\n"
    "C1,中央 一子,27128,1,c1@example.lg.jp\n"
).encode()


def test_a_phone_answer_reaches_the_board(tmp_path):
    require_chromium()
    url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
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
    engine.dispose()

    env = {
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_DEMO_MODE": "true",
        # The link above is signed with this secret; unset, each install makes its own.
        "DASHBOARD_SECRET_KEY": DEMO_SECRET,
        "DASHBOARD_WORKER_IN_APP": "false",
    }
    with run_streamlit(APP, env=env) as base, browser_page(**PHONE) as phone:
        office = phone.another_user()
        office.set_viewport_size({"width": 1280, "height": 900})
        log_in(office, base, "kikikanri")
        office.locator("[data-testid=stSidebar]").get_by_text("職員安否確認・参集").click()
        wait_for_text(office, "0/3")

        open_app(phone, f"{base}{rollcall.ANSWER_PATH}?token={token}")
        wait_for_text(phone, "北 一郎 さん")
        assert phone.get_by_label("ユーザー名").count() == 0  # no login asked for
        assert phone.get_by_text("Page not found").count() == 0
        phone.get_by_text("到着済", exact=True).first.click()
        phone.get_by_role("button", name="回答を送信").click()
        wait_for_text(phone, "受け付けました")
        wait_for_text(phone, "無事・到着済")
        overflow = phone.evaluate("document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"]  # one screen wide: nothing to scroll sideways
        save_screenshot(phone, "rollcall-phone-answer")

        office.reload()
        wait_for_text(office, "1/3", timeout_ms=60_000)  # a reload on a busy shared machine
        save_screenshot(office, "rollcall-board")
        assert phone.external_requests == [] and office.external_requests == []
