"""A database outage on every page (issue 20 #2), in a real browser: the app on PostgreSQL
through a proxy the test cuts.

The walk is generated, so a new page or role is covered without touching this file: every menu
page of ``navigation.specs_for`` for one demo user of each role, the login page, and the
no-login pages a signed link opens (acknowledgement, roll-call answer). Under the cut each shows
the one outage notice and no traceback (no exception element, no driver, host, port or file
path); once the database is back the notice is gone. Fragments rerun outside the shell's guard,
so no module may call ``st.fragment`` itself (``state.fragment`` runs it inside the same
guard): the last test reads the source.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from dashboard.channels.signing import make_ack_token
from dashboard.clock import utcnow
from dashboard.domain import Role
from dashboard.i18n import translate
from dashboard.services import demo
from dashboard.services.accounts import actor_for
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import DEMO_SECRET
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import Base, User
from dashboard.ui import navigation, state
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    open_app,
    require_chromium,
    run_streamlit,
    wait_for_idle,
    wait_for_text,
)
from tests.tcp_proxy import TcpProxy

APP = REPO_ROOT / "dashboard" / "app.py"
NOTICE = translate("app.db_offline_notice", "ja")
# What a traceback or a driver message would show: never on a page.
LEAKS = re.compile(r"Traceback|psycopg|sqlalchemy|127\.0\.0\.1|port \d{2,}|/work/|\.py\b")
# One demo user of each role; every menu page of each is opened.
USERS = ("governor", "mayor", "kikikanri", "kita-head", "kita-staff", "viewer")


@pytest.fixture
def database(pg_database_url):
    engine = make_engine(pg_database_url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    demo.seed_demo(engine)
    yield engine
    engine.dispose()


def assert_clean(page, where: str, *, notice: bool) -> None:
    wait_for_idle(page)
    body = page.locator("[data-testid=stApp]").inner_text()
    assert page.locator("[data-testid=stException]").count() == 0, (where, body[:800])
    leak = LEAKS.search(body)
    assert leak is None, (where, leak.group(0) if leak else None, body[:800])
    assert (NOTICE in body) == notice, (where, body[:800])


def menu_titles(engine, username: str) -> list[str]:
    with reading(engine) as s:
        actor = actor_for(s.scalars(select(User).where(User.username == username)).one())
    department = navigation.home_is_department(engine, actor)
    specs = navigation.specs_for(actor, department=department)
    return [translate(s.title_key, "ja") for s in specs if not s.hidden]


@pytest.mark.e2e
def test_every_page_of_every_role_and_the_no_login_pages_survive_an_outage(
    database, pg_database_url
):
    require_chromium()
    url = make_url(pg_database_url)
    walked = 0
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        env = {
            "DASHBOARD_DATABASE_URL": proxied,
            "DASHBOARD_DEMO_MODE": "true",
            "DASHBOARD_SECRET_KEY": DEMO_SECRET,
            "DASHBOARD_WORKER_IN_APP": "false",
        }
        with run_streamlit(APP, env=env) as app_url, browser_page() as first:
            for username in USERS:
                page = first.another_user()
                log_in(page, app_url, username)
                wait_for_text(page, "ようこそ")
                links = page.locator("[data-testid=stSidebarNavLink]")
                for title in menu_titles(database, username):
                    proxy.cut()
                    links.get_by_text(title, exact=True).first.click()
                    wait_for_text(page, NOTICE)
                    assert_clean(page, f"{username}: {title}", notice=True)
                    walked += 1
                proxy.restore()
                links.first.click()
                wait_for_text(page, "ようこそ")
                assert_clean(page, f"{username} after restore", notice=False)
                page.context.close()

            now = utcnow()
            ack = make_ack_token(1, DEMO_SECRET, expires_at=now + timedelta(hours=1))
            answer = make_answer_token(1, 1, secret=DEMO_SECRET, now=now)
            for where, path in (
                ("login", "/"),
                ("ack link", f"/ack?token={ack}"),
                ("answer link", f"/rollcall_answer?token={answer}"),
            ):
                page = first.another_user()
                proxy.cut()
                open_app(page, app_url + path)
                wait_for_text(page, NOTICE)
                assert_clean(page, where, notice=True)
                proxy.restore()
                page.reload()
                wait_for_idle(page)
                page.wait_for_timeout(500)
                assert_clean(page, f"{where} after restore", notice=False)
                page.context.close()
    assert walked >= 30  # every role's menu was opened, not an empty loop
    roles = {r for (r,) in _roles(database)}
    assert roles == {str(r) for r in Role}


def _roles(engine):
    with reading(engine) as s:
        return s.execute(select(User.role).where(User.username.in_(USERS))).all()


def test_no_module_makes_a_fragment_outside_the_outage_guard():
    """``st.fragment`` reruns on its own, outside the shell's guard: use ``state.fragment``."""
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "dashboard").rglob("*.py")
        if "st.fragment(" in path.read_text(encoding="utf-8")
        and path.resolve() != __import__("pathlib").Path(state.__file__).resolve()
    ]
    assert offenders == []
