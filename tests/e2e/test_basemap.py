"""The demo's base map in a real browser with every non-local request blocked: the command map
asks the app itself for its tiles, the app draws the demo's schematic base layer on the first
request (into a fresh data directory), and the browser draws the tiles."""

import pytest

from tests.e2e.harness import (
    REPO_ROOT,
    browser_page,
    log_in,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
# A cold server imports geopandas, and the first tile request draws the demo layer (a few s).
MAP_TIMEOUT_MS = 90_000
MAP_IFRAME = "[data-testid=stCustomComponentV1]"
# One loaded tile read back through a canvas: its size and the colour of a pixel (same origin,
# so the canvas is not tainted).
READ_TILE = """img => {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0);
    return [img.naturalWidth, img.naturalHeight, ...g.getImageData(8, 8, 1, 1).data];
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    data_dir = tmp_path_factory.mktemp("basemap-data")
    env = {
        "DASHBOARD_DATABASE_URL": f"sqlite:///{data_dir / 'map.sqlite3'}",
        "DASHBOARD_DATA_DIR": str(data_dir),  # no demo base map drawn yet
        "DASHBOARD_REFRESH_SECONDS": "60",
    }  # DASHBOARD_TILES unset: the demo's default
    with run_streamlit(APP, env=env) as url:
        yield url, data_dir


def test_the_demo_base_map_is_served_by_the_app_and_drawn(server):
    url, data_dir = server
    with browser_page(width=1400, height=1100) as page:
        tile_responses = []
        page.on(
            "response",
            lambda r: (
                tile_responses.append((r.url, r.status, r.headers.get("content-type")))
                if "/tiles/" in r.url
                else None
            ),
        )
        log_in(page, url, "mayor")
        wait_for_text(page, "大阪 市太郎さん、ようこそ。")
        page.locator("[data-testid=stSidebar]").get_by_text("状況地図", exact=True).click()
        map_frame = page.frame_locator(MAP_IFRAME)
        tiles = map_frame.locator(".leaflet-tile-pane img.leaflet-tile-loaded")
        tiles.first.wait_for(state="attached", timeout=MAP_TIMEOUT_MS)
        page.wait_for_function(
            f"() => document.querySelector('{MAP_IFRAME}').contentDocument"
            ".querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded').length >= 6",
            timeout=MAP_TIMEOUT_MS,
        )
        page.wait_for_timeout(1_000)  # the last tiles fade in

        sources = tiles.evaluate_all("imgs => imgs.map(i => i.src)")
        assert sources and all(s.startswith(f"{url}/tiles/") for s in sources), sources[:3]
        assert all(".png?v=demo" in s for s in sources)
        # Drawn: every loaded tile is a 256 px image with opaque pixels in the demo's colours.
        for width, height, *rgba in tiles.evaluate_all(f"imgs => imgs.map({READ_TILE})"):
            assert (width, height) == (256, 256)
            assert rgba[3] == 255
        # Requested from the app, answered as PNG, and nothing asked of anyone else.
        assert len(tile_responses) >= len(sources)
        assert all(u.startswith(f"{url}/tiles/") for u, _, _ in tile_responses)
        assert {status for _, status, _ in tile_responses} <= {200, 304}
        assert {kind for _, status, kind in tile_responses if status == 200} == {"image/png"}
        assert page.external_requests == []
        assert list(data_dir.glob("basemap-demo*.mbtiles"))  # drawn on the first request
        credit = map_frame.locator(".leaflet-control-attribution").inner_text()
        assert "模式図" in credit

        shot = save_screenshot(page, "basemap-demo", full_page=False)
        page.locator(MAP_IFRAME).screenshot(path=str(shot))  # the map alone
        # With shelters and reports switched off, the base map beneath the wards shows.
        map_frame.locator(".leaflet-control-layers-overlays label").evaluate_all(
            "labels => labels.filter(l => /^ *(避難所|被害報告)/.test(l.textContent))"
            ".forEach(l => l.querySelector('input').click())"
        )
        assert map_frame.locator(".dm-shelter").count() == 0
        page.wait_for_timeout(500)
        shot = save_screenshot(page, "basemap-demo-wards-only", full_page=False)
        page.locator(MAP_IFRAME).screenshot(path=str(shot))
