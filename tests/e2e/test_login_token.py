"""The login token never sits in the page (issue 20 #7): after a login the page's DOM holds
neither the token (the HttpOnly cookie's value) nor the one-time code it was handed over with,
and the login still survives a reload."""

from __future__ import annotations

import pytest

from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    wait_for_text,
)
from tests.e2e.test_shell import session_cookie, wait_for

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"


def test_the_page_never_holds_the_login_token(tmp_path):
    require_chromium()
    env = {"DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'token.sqlite3'}"}
    with run_streamlit(APP, env=env) as url, browser_page() as page:
        log_in(page, url, "kikikanri")
        wait_for_text(page, "危機管理室 当直さん、ようこそ。")
        cookie = wait_for(lambda: session_cookie(page), "the login sets a session cookie")
        token = cookie["value"]
        assert len(token) > 20
        dom = page.content()
        assert token not in dom
        assert "/session" not in dom  # the handover script removed itself
        scripts = page.evaluate("[...document.scripts].map(s => s.textContent).join('\\n')")
        assert token not in scripts
        page.reload()
        wait_for_text(page, "危機管理室 当直さん、ようこそ。")  # the login persists
        assert token not in page.content()
