"""PostgreSQL cut off under a real browser (issue 10 #3): a ward sends a damage report while a
proxy in front of the database is cut. The whole shell (login check, sidebar, banners, page)
shows the clear message, never a traceback, keeps every field; once the database is back,
sending again stores the report once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from dashboard.services import demo
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import Base, DamageReport
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)
from tests.e2e.test_reporting import go_to, settle
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
DESCRIPTION = "E2E 停電中の倉庫から出火"


@pytest.fixture
def database(pg_database_url):
    engine = make_engine(pg_database_url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    demo.seed_demo(engine)
    yield engine
    engine.dispose()


def reports(engine) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).where(DamageReport.description == DESCRIPTION))


def test_a_report_sent_while_the_database_is_cut_is_kept_and_stored_once_after(
    database, pg_database_url
):
    require_chromium()
    url = make_url(pg_database_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        env = {
            "DASHBOARD_DATABASE_URL": proxied,
            "DASHBOARD_DEMO_MODE": "true",
            "DASHBOARD_WORKER_IN_APP": "false",
        }
        with run_streamlit(APP, env=env) as app_url, browser_page() as page:
            log_in(page, app_url, "kita-staff")
            wait_for_text(page, "ようこそ")
            go_to(page, "被害報告")
            wait_for_text(page, "被害の種類")
            coordinates = page.get_by_role("textbox", name="緯度, 経度")
            coordinates.fill("34.70267, 135.50003")
            coordinates.press("Enter")
            wait_for_text(page, "📍 北区")
            page.get_by_role("radio", name=re.compile("火災")).click()
            page.get_by_text("3 重大：広範囲に支障、早急な対応が必要").click()
            page.get_by_role("textbox", name="状況").fill(DESCRIPTION)
            page.get_by_role("textbox", name="状況").press("Tab")
            settle(page)

            proxy.cut()
            page.get_by_role("button", name="報告を送信").click()
            wait_for_text(page, "入力内容はそのまま残っています")
            save_screenshot(page, "outage-damage-form")
            body = page.locator("[data-testid=stApp]").inner_text()
            assert "Traceback" not in body and "psycopg" not in body
            assert "まだ報告はありません" not in body  # unknown, not "none"
            expect(page.get_by_role("textbox", name="状況")).to_have_value(DESCRIPTION)
            expect(coordinates).to_have_value("34.70267, 135.50003")
            assert reports(database) == 0

            proxy.restore()
            page.get_by_role("button", name="もう一度送信").click()
            wait_for_text(page, "被害報告を受け付けました")
            assert reports(database) == 1
            assert page.external_requests == []
