"""The damage page while PostgreSQL is cut off (issue 10 #3), through a proxy the test cuts.

Sending while cut shows the one clear message and keeps the form as typed; once the database is
back, sending again stores the report exactly once, also when the first try's COMMIT reached the
server but its answer did not reach the app.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from dashboard.settings import get_settings
from dashboard.storage.db import make_engine
from dashboard.ui import state
from tests import factories
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.pages.test_reporting_pages import (
    KITA_TYPED,
    actor,
    fill_report,
    reports_of,
    submit_button,
    texts,
)
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def proxy(app_env, monkeypatch):
    """The app reaches its database through the proxy; the test's own engine goes direct."""
    url = make_url(app_env)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port)
        monkeypatch.setenv("DASHBOARD_DATABASE_URL", proxied.render_as_string(hide_password=False))
        get_settings.cache_clear()
        state.get_engine.clear()
        yield proxy
        state.get_engine.clear()


@pytest.fixture
def engine(app_env, proxy):
    engine = make_engine(app_env)
    factories.make_city(engine)
    yield engine
    engine.dispose()


def assert_form_kept(at, gen) -> None:
    assert not at.exception
    assert any("入力内容はそのまま残っています" in e for e in texts(at, "error"))
    assert submit_button(at).label == "もう一度送信"
    assert at.text_area(key=f"damage.{gen}.description").value == "倉庫から出火"
    assert at.pills(key=f"damage.{gen}.category").value == "fire"
    assert at.radio(key=f"damage.{gen}.severity").value == 3
    assert at.text_input(key="damage.coords").value == KITA_TYPED
    captions = texts(at, "caption")
    assert "まだ報告はありません。" not in captions  # the list is unknown, not empty
    assert any("地図や一覧を表示できません" in c for c in captions)


def test_sending_while_cut_keeps_the_form_and_the_retry_stores_once(engine, proxy):
    at = open_page("damage.py", actor(engine, "kita_staff"))
    gen = fill_report(at)

    proxy.cut()
    submit_button(at).click().run()
    assert_form_kept(at, gen)
    assert reports_of(engine, "kita_staff") == []

    proxy.restore()
    submit_button(at).click().run()
    assert any("被害報告を受け付けました" in s for s in texts(at, "success"))
    assert len(reports_of(engine, "kita_staff")) == 1


def test_a_lost_commit_answer_is_stored_once_when_sent_again(engine, proxy):
    at = open_page("damage.py", actor(engine, "kita_staff"))
    gen = fill_report(at)

    proxy.cut_after_commit()
    submit_button(at).click().run()
    assert proxy.commit_swallowed.is_set()
    assert_form_kept(at, gen)
    assert len(reports_of(engine, "kita_staff")) == 1  # stored, but the page could not know

    proxy.restore()
    submit_button(at).click().run()
    assert any("被害報告を受け付けました" in s for s in texts(at, "success"))
    assert len(reports_of(engine, "kita_staff")) == 1
