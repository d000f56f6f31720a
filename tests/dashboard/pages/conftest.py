"""AppTest fixtures: the app against a fresh database of each backend, demo mode on."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.settings import DEMO_SECRET, get_settings
from dashboard.ui import state

REPO = Path(__file__).resolve().parents[3]
APP = str(REPO / "dashboard" / "shell.py")
PAGES = REPO / "dashboard" / "pages"


@pytest.fixture
def app_env(database_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    monkeypatch.setenv("DASHBOARD_DEMO_MODE", "true")
    # A known secret, so that tests can sign acknowledgement links as the app does.
    monkeypatch.setenv("DASHBOARD_SECRET_KEY", DEMO_SECRET)
    # No delivery worker thread per in-process app run: the outbox tests drive the worker.
    monkeypatch.setenv("DASHBOARD_WORKER_IN_APP", "false")
    get_settings.cache_clear()
    state.get_engine.clear()
    yield database_url
    state.get_engine.clear()
    get_settings.cache_clear()


@pytest.fixture
def app(app_env) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def log_in(at: AppTest, username: str, password: str) -> AppTest:
    """Submit the login form of the app."""
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(name: str, actor, *, lang: str = "ja") -> AppTest:
    """Run one page file as ``actor``.

    AppTest runs an ``st.navigation`` app's entry script only once and then the page files alone,
    so pages are tested one by one with the session the entry script would have set up; the
    shell itself is tested in tests/e2e.
    """
    at = AppTest.from_file(str(PAGES / name), default_timeout=60)
    at.session_state["actor"] = actor
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at

