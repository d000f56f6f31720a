"""Nothing the map sends to the browser points outside the app (except chosen tiles)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from dashboard.maps import (
    DEFAULT_ASSET_URL,
    TILE_PROVIDERS,
    build_command_map,
    create_offline_map,
    install_assets,
    list_asset_urls,
)
from dashboard.maps.assets import LEAFLET_FILES, leaflet_source_dir
from dashboard.maps.texts import make_translate
from tests.dashboard.maps.factories import NOW, XSS, make_reports, make_shelters, make_wards

URL = re.compile(r"https?://[^\s\"'<>)\\]+")
t_ja = make_translate("ja")


def build(tiles: str = "none"):
    reports = make_reports(30)
    reports["description"] = XSS
    return build_command_map(make_wards(), make_shelters(), reports, t=t_ja, now=NOW, tiles=tiles)


def test_page_without_tiles_contains_no_url_at_all() -> None:
    html = build().get_root().render()

    assert URL.findall(html) == []
    assert f'src="{DEFAULT_ASSET_URL}/leaflet/leaflet.js"' in html
    assert f'href="{DEFAULT_ASSET_URL}/leaflet/leaflet.css"' in html


@pytest.mark.parametrize(
    ("tiles", "allowed"),
    [
        (
            "gsi_std",
            {
                "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
                "https://maps.gsi.go.jp/development/ichiran.html",
            },
        ),
        (
            "gsi_pale",
            {
                "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png",
                "https://maps.gsi.go.jp/development/ichiran.html",
            },
        ),
        (
            "osm",
            {
                "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "https://www.openstreetmap.org/copyright",
            },
        ),
    ],
)
def test_page_with_tiles_contains_only_the_tile_url_and_its_attribution(
    tiles: str, allowed: set[str]
) -> None:
    html = build(tiles).get_root().render()

    assert set(URL.findall(html)) == allowed
    assert "地理院タイル" in html if tiles.startswith("gsi") else "OpenStreetMap" in html


def test_every_registered_provider_is_tested_above() -> None:
    assert set(TILE_PROVIDERS) == {"none", "gsi_std", "gsi_pale", "osm"}


def test_what_streamlit_folium_sends_to_the_browser_is_local(monkeypatch) -> None:
    streamlit_folium = pytest.importorskip("streamlit_folium")
    sent: dict = {}

    def capture(**kwargs):
        sent.update(kwargs)
        return kwargs["default"]

    monkeypatch.setattr(streamlit_folium, "_component_func", capture)
    streamlit_folium.st_folium(build(), key="command_map", returned_objects=["last_active_drawing"])

    assert sent["js_links"] == [f"{DEFAULT_ASSET_URL}/leaflet/leaflet.js"]
    assert sent["css_links"] == [f"{DEFAULT_ASSET_URL}/leaflet/leaflet.css"]
    for part in ("script", "header", "html"):
        assert URL.findall(sent[part]) == [], part
        assert XSS not in sent[part], part
    assert "DisasterMap.draw(map_div," in sent["script"]


def test_offline_map_loads_leaflet_only_from_the_app() -> None:
    m = create_offline_map(location=(34.69, 135.50), zoom_start=11, asset_url="/base/app/static/v")

    assert list_asset_urls(m) == [
        "/base/app/static/v/leaflet/leaflet.js",
        "/base/app/static/v/leaflet/leaflet.css",
    ]
    assert URL.findall(m.get_root().render()) == []


def test_install_assets_puts_every_linked_file_where_streamlit_serves_it(tmp_path: Path) -> None:
    install_assets(tmp_path)

    for url in list_asset_urls(build()):
        relative = url.removeprefix(DEFAULT_ASSET_URL + "/")
        assert (tmp_path / "vendor" / relative).is_file(), url
    for source, target in LEAFLET_FILES:
        assert (tmp_path / "vendor" / target).read_bytes() == (
            leaflet_source_dir() / source
        ).read_bytes()
    css = (tmp_path / "vendor" / "leaflet" / "leaflet.css").read_text()
    for image in re.findall(r"url\((images/[^)]+)\)", css):
        assert (tmp_path / "vendor" / "leaflet" / image).is_file(), image


def test_install_assets_is_idempotent_and_repairs_damaged_files(tmp_path: Path) -> None:
    install_assets(tmp_path)
    script = tmp_path / "vendor" / "leaflet" / "leaflet.js"
    os.utime(script, ns=(1_000_000_000, 1_000_000_000))

    install_assets(tmp_path)
    assert script.stat().st_mtime_ns == 1_000_000_000  # identical file left alone

    script.write_text("broken")
    install_assets(tmp_path)
    assert script.read_bytes() == (leaflet_source_dir() / "leaflet.js").read_bytes()
    assert [p.name for p in script.parent.iterdir() if p.name.startswith(".")] == []
