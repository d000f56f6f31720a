"""The documented deployment: two app processes behind nginx (deploy/nginx.conf) on one
PostgreSQL. Each browser sticks to one process; the mayor sends a directive through one process
and a ward head, on the other, sees it without reloading."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from dashboard.services import demo
from dashboard.storage.db import make_engine
from dashboard.storage.models import Base
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    open_app,
    require_chromium,
    run_streamlit,
    wait_for_text,
)
from tests.e2e.nginx import require_nginx, run_nginx

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
UPSTREAM = "x-dashboard-upstream"
# Browsers tried until one lands on the other process (each lands on either with even odds).
TRIES = 12
# The poll interval (5 s) and the change check (2 s), with room for a slow machine.
BANNER_WITHIN_MS = 15_000


@pytest.fixture
def shared_database(pg_database_url):
    engine = make_engine(pg_database_url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    demo.seed_demo(engine)
    engine.dispose()
    return pg_database_url


def upstream_of(page, base_url: str) -> str:
    """The app process that answers this browser (its sticky cookie goes with the request)."""
    answer = page.request.get(base_url + "/_stcore/health")
    assert answer.ok
    return answer.headers[UPSTREAM]


def test_a_directive_crosses_processes_behind_nginx(shared_database):
    require_chromium()
    require_nginx()
    env = {
        "DASHBOARD_DATABASE_URL": shared_database,
        "DASHBOARD_DEMO_MODE": "true",
        "DASHBOARD_WORKER_IN_APP": "false",
        "STREAMLIT_SERVER_COOKIE_SECRET": "deployment-test-cookie-secret",
    }
    with (
        run_streamlit(APP, env=env) as first,
        run_streamlit(APP, env=env) as second,
        run_nginx([first, second]) as url,
        browser_page(height=1000) as mayor,
    ):
        open_app(mayor, url)
        mayor_process = upstream_of(mayor, url)
        assert upstream_of(mayor, url) == mayor_process  # sticky
        for _ in range(TRIES):
            ward = mayor.another_user()
            open_app(ward, url)
            if upstream_of(ward, url) != mayor_process:
                break
        else:
            pytest.fail(f"{TRIES} browsers all landed on {mayor_process}")
        ward_process = upstream_of(ward, url)
        assert {mayor_process, ward_process} == {
            first.removeprefix("http://"),
            second.removeprefix("http://"),
        }

        log_in(ward, url, "kita-head")
        wait_for_text(ward, "担当区域：北区")
        log_in(mayor, url, "mayor")
        wait_for_text(mayor, "大阪 市太郎さん、ようこそ。")
        mayor.locator("[data-testid=stSidebar]").get_by_text("指示", exact=True).click()
        wait_for_text(mayor, "送信先")
        template = mayor.locator("[data-testid=stSelectbox]").filter(has_text="定型文")
        template.locator("input").fill("被害状況")
        template.locator("input").press("Enter")
        wait_for_text(mayor, "区内の被害状況")
        for attempt in range(3):  # a click during the template's rerun is lost: try again
            mayor.get_by_role("button", name="すべての区").click()
            try:
                wait_for_text(mayor, "送信先：24か所", timeout_ms=5_000)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        mayor.get_by_role("button", name="指示を送信").click()
        wait_for_text(mayor, "指示を送信しました")

        # The ward's page on the other process was not touched: its banner brings the directive.
        wait_for_text(ward, "新しい指示", timeout_ms=BANNER_WITHIN_MS)
        # Both browsers stayed on their processes through login and websocket.
        assert upstream_of(mayor, url) == mayor_process
        assert upstream_of(ward, url) == ward_process
        assert mayor.external_requests == [] and ward.external_requests == []
