"""A ward office's phone (390 px): the ward head lands on the ward's tasks, confirms all open
shelters in one tap, acknowledges a directive with one tap in the banner; every button a finger
can hit (≥ 44 px); the menu closes after a choice; the map comes before its figures."""

from __future__ import annotations

import pytest

from dashboard.services import directives
from dashboard.services.accounts import actor_for
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import DirectiveDelivery, User
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_idle,
    wait_for_text,
)

pytestmark = pytest.mark.e2e

APP = REPO_ROOT / "dashboard" / "app.py"
PHONE = {"width": 390, "height": 844}
TOUCH_PX = 44

# Visible buttons and menu links of the page (the sidebar's own toggle is Streamlit's icon).
TARGET_HEIGHTS = """() => [...document.querySelectorAll(
    '[data-testid=stMain] button, [data-testid=stSidebarNavLink]')]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0)
  .map(e => [e.innerText.trim().slice(0, 30), e.getBoundingClientRect().height])"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("field") / "field.sqlite3"
    url = f"sqlite:///{db}"
    with run_streamlit(APP, env={"DASHBOARD_DATABASE_URL": url}) as base:
        yield base, url


def send_to_kita(database_url: str) -> int:
    engine = make_engine(database_url)
    with reading(engine) as s:
        mayor = actor_for(s.query(User).filter_by(username="mayor").one())
    directive_id = directives.send_directive(
        engine, mayor, submission_id="field-1", ward_codes=["27127"],
        title="土のうを配布してください", body="各避難所へ", priority="high",
    )  # fmt: skip
    engine.dispose()
    return directive_id


def acknowledged(database_url: str) -> bool:
    engine = make_engine(database_url)
    with reading(engine) as s:
        (delivery,) = s.query(DirectiveDelivery).filter_by(jurisdiction_code="27127").all()
        done = delivery.acknowledged_at is not None
    engine.dispose()
    return done


def test_a_ward_head_on_a_phone(app):
    base, database_url = app
    with browser_page(**PHONE) as page:
        log_in(page, base, "kita-head")
        # The landing page is the ward's tasks; 全て変化なし is on the first screen.
        wait_for_text(page, "北区の対応")
        confirm_all = page.get_by_role("button", name="変更なし：北区の開設中")
        box = confirm_all.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]
        save_screenshot(page, "field-phone-ward-home", full_page=False)
        small = [(text, h) for text, h in page.evaluate(TARGET_HEIGHTS) if h < TOUCH_PX - 0.5]
        assert small == []
        confirm_all.click()
        wait_for_text(page, "か所を「変更なし」として報告しました。")

        # A directive arrives: 了解 is one tap in the banner.
        send_to_kita(database_url)
        wait_for_text(page, "土のうを配布してください", timeout_ms=15_000)
        page.get_by_role("button", name="了解する").click()
        wait_for_text(page, "指示に了解しました。")
        assert acknowledged(database_url)
        save_screenshot(page, "field-phone-banner-ack", full_page=False)

        # The menu closes after a choice; the map comes first, its figures below it.
        page.locator("[data-testid=stExpandSidebarButton]").click()
        page.locator("[data-testid=stSidebarNavLink]").get_by_text("状況地図", exact=True).click()
        page.locator("[data-testid=stSidebar][data-collapsed=true]").wait_for(state="attached")
        wait_for_idle(page)
        page.locator("iframe[title*=st_folium]").first.wait_for(timeout=20_000)
        map_top = page.locator("iframe[title*=st_folium]").first.bounding_box()["y"]
        figures_top = page.locator(".st-key-map_figures").bounding_box()["y"]
        assert map_top < figures_top
        save_screenshot(page, "field-phone-map", full_page=False)
        assert page.external_requests == []
