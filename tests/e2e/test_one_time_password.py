"""A one-time password in a real browser: after login only the form to set one's own password
shows (also after a reload); once set, the normal pages appear (issue 11, must-change)."""

import pytest
from sqlalchemy import select

from dashboard.demo_city import DEMO_PASSWORD
from dashboard.storage.db import make_engine, reading, transaction
from dashboard.storage.models import User
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    open_app,
    require_chromium,
    run_streamlit,
    wait_for_text,
)

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
OWN = "my-own-password-456"


def test_a_one_time_password_must_be_replaced_before_any_page(tmp_path):
    require_chromium()
    url = f"sqlite:///{tmp_path / 'otp.sqlite3'}"
    with run_streamlit(APP, env={"DASHBOARD_DATABASE_URL": url}) as app_url, browser_page() as page:
        open_app(page, app_url)
        wait_for_text(page, "デモ用アカウント")  # the app has seeded the demo city
        engine = make_engine(url)
        with transaction(engine) as s:  # as an import or an administrator's reset leaves it
            s.scalar(select(User).where(User.username == "kita-staff")).must_change_password = True

        log_in(page, app_url, "kita-staff")
        wait_for_text(page, "仮パスワードでログインしました")
        sidebar = page.locator("[data-testid=stSidebarNav]")
        assert sidebar.count() == 0 or sidebar.get_by_text("被害報告").count() == 0
        page.goto(f"{app_url}/damage")  # no way round it by address, nor by reloading
        wait_for_text(page, "仮パスワードでログインしました")
        assert page.get_by_text("被害の種類").count() == 0
        page.goto(app_url)  # (Streamlit says the page does not exist, in a dialog)
        wait_for_text(page, "仮パスワードでログインしました")

        page.get_by_label("現在の（仮）パスワード", exact=True).fill(DEMO_PASSWORD)
        page.get_by_label("新しいパスワード", exact=True).fill(OWN)
        page.get_by_label("新しいパスワード（確認）", exact=True).fill(OWN)
        page.get_by_role("button", name="パスワードを設定").click()
        wait_for_text(page, "担当区域：北区")  # the home page, with the normal navigation
        with reading(engine) as s:
            user = s.scalar(select(User).where(User.username == "kita-staff"))
            assert not user.must_change_password
        engine.dispose()
        assert page.external_requests == []
