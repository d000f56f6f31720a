"""The command map in a real browser: the mayor logs in, opens 状況地図, the map draws its wards,
shelters, reports and legend from the app's own files (no request leaves 127.0.0.1), a click on
a ward opens its popup and side panel, and the auto-refresh keeps the map mounted: with no new
data nothing moves, and new data is drawn into the same map with the view, the popup and the side
panel as the user left them."""

import pytest

from dashboard.services import damage
from dashboard.services.accounts import actor_for
from dashboard.services.damage import ReportDraft
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import User
from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)
from tests.factories import KITA_POINT

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
# The map and its data can take a while on a cold server (first import of geopandas etc.).
MAP_TIMEOUT_MS = 60_000
# A short refresh, so the test sees a few of them.
REFRESH_SECONDS = 3
# The map component's iframe.
MAP_IFRAME = "[data-testid=stCustomComponentV1]"
# The Leaflet map object of the page inside the component's iframe (folium names it map_<id>).
LEAFLET_MAP = "Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0]"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    database_url = f"sqlite:///{tmp_path_factory.mktemp('map') / 'map.sqlite3'}"
    env = {
        "DASHBOARD_DATABASE_URL": database_url,
        "DASHBOARD_REFRESH_SECONDS": str(REFRESH_SECONDS),
    }
    with run_streamlit(APP, env=env) as url:
        yield url, database_url


def open_map(page, url):
    log_in(page, url, "mayor")
    wait_for_text(page, "大阪 市太郎さん、ようこそ。")
    page.locator("[data-testid=stSidebar]").get_by_text("状況地図", exact=True).click()
    wait_for_text(page, "開設避難所", timeout_ms=MAP_TIMEOUT_MS)
    map_frame = page.frame_locator(MAP_IFRAME)
    map_frame.locator(".dm-area-label").first.wait_for(state="attached", timeout=MAP_TIMEOUT_MS)
    return map_frame


# Tall enough for the whole map: a click on a map partly out of view first scrolls the page
# (the map takes the focus), and the click then lands elsewhere.
VIEWPORT = {"width": 1400, "height": 1250}


def test_the_mayor_sees_the_command_map_offline_and_it_refreshes_in_place(server):
    url, database_url = server
    with browser_page(**VIEWPORT) as page:
        map_frame = open_map(page, url)

        labels = map_frame.locator(".dm-area-label")
        assert labels.count() == 24  # one label per ward polygon
        assert map_frame.locator(".leaflet-container.dm-map").count() == 1
        # Wards and report dots are drawn on a canvas; shelters are symbols of their own.
        assert map_frame.locator(".leaflet-overlay-pane canvas").count() >= 1
        assert map_frame.locator(".dm-shelter").count() == 360
        # The layer list is folded on a map this low; its entries are there all the same.
        layers = map_frame.locator(".leaflet-control-layers-list")
        text = layers.text_content()
        assert "区の状況" in text and "避難所 (360)" in text and "被害報告 (48)" in text
        legend = map_frame.locator(".dm-legend").text_content()
        assert "30分以上報告なし" in legend and "福祉避難所" in legend
        sources = map_frame.locator("script[src], link[href]").evaluate_all(
            "nodes => nodes.map(n => n.src || n.href)"
        )
        assert any(s.endswith("/app/static/vendor/leaflet/leaflet.js") for s in sources)

        # A click on 北区 (its label lets clicks through to the polygon) opens its popup and its
        # side panel.
        labels.get_by_text("北区", exact=True).click(force=True)
        wait_for_text(page, "最終報告", timeout_ms=MAP_TIMEOUT_MS)
        assert page.get_by_role("heading", name="北区", exact=True).count() == 1
        popup = map_frame.locator(".leaflet-popup-content")
        popup.wait_for(state="visible")
        assert "北区" in popup.inner_text()
        page.wait_for_timeout(1_000)  # the panel's tables draw on a canvas of their own
        save_screenshot(page, "command-map")

        # Refreshes without new data keep the same map mounted, zoomed as the user left it.
        body = map_frame.locator("body")
        map_frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(500)
        zoom = body.evaluate(f"() => {LEAFLET_MAP}.getZoom()")
        body.evaluate("() => { window.stillMounted = true; }")
        updated = page.get_by_text("更新 ").first.inner_text()
        page.wait_for_function(
            "old => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
            ".some(c => c.innerText.startsWith('更新 ') && c.innerText !== old)",
            arg=updated,
            timeout=REFRESH_SECONDS * 8_000,
        )
        assert body.evaluate("() => window.stillMounted === true")
        assert "北区" in popup.inner_text()

        # A new report: drawn into the same map, at the view the user left, the popup still
        # open (with the new count) and the side panel still there.
        reports_before = popup_number(popup, "被害報告")
        engine = make_engine(database_url)
        with reading(engine) as s:
            staff = actor_for(s.query(User).filter_by(username="kita-staff").one())
        draft = ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=4)
        damage.submit_report(engine, staff, draft, submission_id="e2e-new-report")
        engine.dispose()
        map_frame.locator(".leaflet-control-layers-list").get_by_text("被害報告 (49)").wait_for(
            state="attached", timeout=REFRESH_SECONDS * 8_000
        )
        assert body.evaluate("() => window.stillMounted === true")  # the same map
        assert body.evaluate(f"() => {LEAFLET_MAP}.getZoom()") == zoom
        popup.wait_for(state="visible")
        assert "北区" in popup.inner_text()
        assert popup_number(popup, "被害報告") == reports_before + 1
        assert page.get_by_role("heading", name="北区", exact=True).count() == 1
        assert page.external_requests == []


def popup_number(popup, label: str) -> int:
    """The number on the popup's row ``label``."""
    row = popup.locator(".dm-row").filter(has=popup.page.get_by_text(label, exact=True))
    return int(row.locator(".dm-v").inner_text().replace(",", ""))
