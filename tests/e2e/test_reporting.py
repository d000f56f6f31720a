"""Ward reporting in a real browser at phone width: 北区 staff send a damage report, the mayor's
review screen shows it. (The situation map is tested with the map; here the report must reach the
mayor's report list.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

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


def settle(page) -> None:
    """Wait for the rerun a widget change starts (if it starts) to finish."""
    try:
        page.wait_for_function(
            "() => document.querySelector('[data-testid=stApp]')"
            ".getAttribute('data-test-script-state') === 'running'",
            timeout=2_000,
        )
    except PlaywrightTimeout:
        pass  # it was quick enough to be over already
    wait_for_idle(page)


APP = REPO_ROOT / "dashboard" / "app.py"
# iPhone 12-15 viewport.
PHONE = {"width": 390, "height": 844}
# Unique text of this run's report; the markup must show as typed, not render.
DESCRIPTION = "E2E 倉庫から出火 <b>延焼中</b>"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("reporting") / "reporting.sqlite3"
    with run_streamlit(APP, env={"DASHBOARD_DATABASE_URL": f"sqlite:///{db}"}) as url:
        yield url


def go_to(page, label: str) -> None:
    """Open a page from the sidebar, which starts collapsed on a phone."""
    expand = page.locator("[data-testid=stExpandSidebarButton]")
    if expand.is_visible():
        expand.click()
    links = page.locator("[data-testid=stSidebarNavLink]")
    links.get_by_text(label, exact=True).first.click()
    # The page has changed once its title shows (right after the click the old page is idle).
    page.get_by_role("heading", name=label, exact=True).wait_for()
    wait_for_idle(page)
    if page.viewport_size["width"] < 640:
        # On a phone the menu closes by itself once a page is chosen (ui/theme.py).
        page.locator("[data-testid=stSidebar][data-collapsed=true]").wait_for(state="attached")


def test_ward_staff_report_from_a_phone_reaches_the_mayor(app_url):
    with browser_page(**PHONE) as page:
        log_in(page, app_url, "kita-staff")
        wait_for_text(page, "ようこそ")
        # Shelter status first: pick a shelter, type the evacuees, send.
        go_to(page, "避難所状況")
        # Scroll the whole box into view first, as a thumb does: on a phone it sits at the bottom
        # edge, and a box cut off there scrolls itself up when tapped, which closes its list.
        shelter = page.get_by_role("combobox", name="報告する避難所")
        shelter.scroll_into_view_if_needed()
        shelter.click()
        page.get_by_role("option").first.click()
        evacuees = page.get_by_role("textbox", name="避難者数（人）")
        evacuees.fill("３")
        page.get_by_role("textbox", name="世帯数").fill("1")
        page.get_by_role("button", name="この内容で報告").click()
        wait_for_text(page, "の状況を報告しました。")
        save_screenshot(page, "reporting-phone-shelter", full_page=False)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        go_to(page, "被害報告")
        wait_for_text(page, "被害の種類")
        # A tap on the small map (centred on 北区) fills in the point.
        leaflet = page.locator("iframe[title*=st_folium]").first.content_frame
        leaflet.locator(".leaflet-container").click()
        coordinates = page.get_by_role("textbox", name="緯度, 経度")
        page.wait_for_function(
            "() => /^34\\.\\d+, 135\\.\\d+$/.test("
            "document.querySelector('input[aria-label=\"緯度, 経度\"]').value)"
        )
        wait_for_text(page, "📍 北区")
        # Typed coordinates (full-width, as a Japanese IME gives them) work as well.
        coordinates.fill("３４．７０２６７，１３５．５０００３")
        coordinates.press("Enter")
        settle(page)  # (📍 北区 already shows from the tap: wait for the typed point's run)
        wait_for_text(page, "📍 北区")
        fire = page.get_by_role("radio", name=re.compile("火災"))
        fire.click()
        settle(page)
        page.get_by_text("3 重大：広範囲に支障、早急な対応が必要").click()
        settle(page)
        page.get_by_role("textbox", name="負傷者").fill("２")
        page.get_by_role("textbox", name="状況").fill(DESCRIPTION)
        # Leaving the field sends it (as a tap elsewhere does); let that rerun finish first.
        page.get_by_role("textbox", name="状況").press("Tab")
        settle(page)
        # A look at another page loses nothing typed (photos aside).
        go_to(page, "避難所状況")
        go_to(page, "被害報告")
        wait_for_text(page, "被害の種類")
        # (The run that draws the page fills the fields in: wait for it, as an eye would.)
        expect(page.get_by_role("textbox", name="状況")).to_have_value(DESCRIPTION)
        expect(page.get_by_role("textbox", name="負傷者")).to_have_value("２")
        expect(fire).to_be_checked()
        # Streamlit scrolls inside the app, not the document: a tall phone shows the whole form.
        page.set_viewport_size({"width": PHONE["width"], "height": 2000})
        map_frame = page.locator("iframe[title*=st_folium]").first.content_frame
        map_frame.locator(".leaflet-overlay-pane path").first.wait_for()
        page.wait_for_timeout(500)  # let the map's iframe paint
        save_screenshot(page, "reporting-phone-form")
        page.set_viewport_size(PHONE)
        submit = page.get_by_role("button", name="報告を送信")
        submit.scroll_into_view_if_needed()

        box = submit.bounding_box()
        assert box is not None and box["height"] >= 40 and box["width"] >= 300
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        submit.click()
        wait_for_text(page, "被害報告を受け付けました")
        wait_for_idle(page)
        assert page.get_by_text("まだ報告はありません。").count() == 0  # listed under the form
        save_screenshot(page, "reporting-phone-submitted", full_page=False)
        assert page.get_by_role("textbox", name="状況").input_value() == ""
        assert page.external_requests == []  # the map's Leaflet comes from the app

    with browser_page() as page:
        log_in(page, app_url, "mayor")
        wait_for_text(page, "ようこそ")
        go_to(page, "被害報告の確認")
        wait_for_text(page, DESCRIPTION)
        assert page.get_by_text("🔥 火災 · 深刻度3 · 北区", exact=False).count() >= 1
        assert page.locator("b", has_text="延焼中").count() == 0
        save_screenshot(page, "reporting-mayor-review")
