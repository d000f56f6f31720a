"""The app shell in a real browser: login, role navigation, language switch, logout — offline."""

import time

import pytest

from dashboard.demo_city import DEMO_PASSWORD
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

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("shell") / "shell.sqlite3"
    with run_streamlit(APP, env={"DASHBOARD_DATABASE_URL": f"sqlite:///{db}"}) as url:
        yield url


def test_mayor_logs_in_and_navigates_offline(app_url):
    with browser_page() as page:
        open_app(page, app_url)
        wait_for_text(page, "デモ用アカウント")
        save_screenshot(page, "login")
        log_in(page, app_url, "mayor")
        wait_for_text(page, "大阪 市太郎さん、ようこそ。")
        sidebar = page.locator("[data-testid=stSidebar]")
        for label in ("状況地図", "避難所状況", "被害報告", "指示", "アカウント・監査"):
            assert sidebar.get_by_text(label, exact=True).count() >= 1, label
        save_screenshot(page, "home-mayor")
        assert page.external_requests == []


def test_wrong_password_then_ward_staff_sees_fewer_pages(app_url):
    with browser_page() as page:
        open_app(page, app_url)
        wait_for_text(page, "ログイン")
        page.get_by_label("ユーザー名").fill("kita-staff")
        page.get_by_label("パスワード").fill("wrong-password")
        page.get_by_role("button", name="ログイン").click()
        wait_for_text(page, "ユーザー名またはパスワードが違います。")
        page.get_by_label("パスワード").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        wait_for_text(page, "担当区域：北区")
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.get_by_text("アカウント・監査", exact=True).count() == 0
        assert sidebar.get_by_text("被害報告の確認", exact=True).count() == 0
        # Language switch, then logout back to the login page.
        sidebar.get_by_text("English", exact=True).click()
        wait_for_text(page, "Your area: Kita")
        sidebar.get_by_role("button", name="Log out").click()
        wait_for_text(page, "User name")
        assert page.external_requests == []


def test_a_bureau_head_sees_no_ward_data_pages_and_is_named_department_head(app_url):
    with browser_page() as page:
        log_in(page, app_url, "kensetsu-head")
        wait_for_text(page, "（部局長・")
        sidebar = page.locator("[data-testid=stSidebar]")
        for label in ("状況地図", "指示"):
            assert sidebar.get_by_text(label, exact=True).count() >= 1, label
        for label in ("避難所状況", "被害報告", "区の即報確認"):
            assert sidebar.get_by_text(label, exact=True).count() == 0, label
        assert sidebar.get_by_text("（区長・").count() == 0
        assert page.external_requests == []


def session_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == "dashboard_session"), None)


def wait_for(condition, what: str, timeout_s: float = 10):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout_s} s: {what}")


def test_a_reload_keeps_the_login_until_logout(app_url):
    with browser_page() as page:
        log_in(page, app_url, "kikikanri")
        wait_for_text(page, "危機管理室 当直さん、ようこそ。")
        # The login cookie is set by the server as HttpOnly: no script in the page can read it.
        cookie = wait_for(lambda: session_cookie(page), "the login sets a session cookie")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert "dashboard_session" not in page.evaluate("document.cookie")
        page.reload()
        wait_for_text(page, "危機管理室 当直さん、ようこそ。")  # no login form in between
        page.locator("[data-testid=stSidebar]").get_by_role("button", name="ログアウト").click()
        wait_for_text(page, "パスワード")
        wait_for(lambda: session_cookie(page) is None, "the logout removes the session cookie")
        page.reload()
        wait_for_text(page, "パスワード")  # the ended session does not come back
        assert page.get_by_text("ようこそ").count() == 0
        assert page.external_requests == []
