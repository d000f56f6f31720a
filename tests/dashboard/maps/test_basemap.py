"""The local base map on the command map: the page asks only the app for tiles, credits the file,
and the demo's own schematic base layer is drawn into the data directory and holds tiles."""

from __future__ import annotations

import io
import math
import re
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from dashboard.maps import basemap, build_command_map, demo_basemap
from dashboard.maps.demo_basemap import DEMO_MAX_ZOOM, DEMO_MIN_ZOOM, LAND, SEA
from dashboard.maps.texts import make_translate
from dashboard.maps.tilefiles import open_tile_file
from dashboard.maps.tiles import get_tile_provider
from dashboard.settings import Settings
from tests.dashboard.maps.factories import (
    NOW,
    XSS,
    extract_payload,
    make_reports,
    make_shelters,
    make_wards,
)
from tests.dashboard.maps.tile_factories import write_mbtiles, write_pmtiles

URL = re.compile(r"https?://[^\s\"'<>)\\]+")
LOCAL_TILE_URL = re.compile(r"/tiles/\{z\}/\{x\}/\{y\}\.png\?v=[0-9a-z-]+")
t_ja = make_translate("ja")


@pytest.fixture
def settings_with(monkeypatch, tmp_path):
    def choose(**values) -> Settings:
        values.setdefault("data_dir", tmp_path)
        settings = Settings(secret_key="x" * 32, **values)
        monkeypatch.setattr(basemap, "get_settings", lambda: settings)
        return settings

    basemap._warned.clear()
    return choose


def build(tiles: str):
    reports = make_reports(20)
    reports["description"] = XSS
    return build_command_map(make_wards(), make_shelters(), reports, t=t_ja, now=NOW, tiles=tiles)


@pytest.mark.parametrize("writer", [write_mbtiles, write_pmtiles])
def test_the_map_asks_only_the_app_for_tiles_of_a_local_file(settings_with, tmp_path, writer):
    path = writer(tmp_path / f"city.{writer.__name__[6:]}")
    settings_with(tiles="local", tiles_file=path)

    html = build("local").get_root().render()
    tiles = extract_payload(html)["tiles"]

    assert URL.findall(html) == []  # nothing outside the app, tiles included
    assert LOCAL_TILE_URL.fullmatch(tiles["url"])
    assert tiles["maxNativeZoom"] == 2 and tiles["minZoom"] == 1 and tiles["maxZoom"] == 18
    assert tiles["bounds"] == [[34.3, 135.0], [34.9, 135.75]]
    assert tiles["attribution"] == "test"  # the file's name when it names no credit


def test_the_files_credit_is_shown_escaped_and_the_setting_overrides_it(settings_with, tmp_path):
    path = write_mbtiles(
        tmp_path / "osm.mbtiles", metadata={"attribution": "&lt;b&gt;OSM &amp; co"}
    )
    settings_with(tiles="local", tiles_file=path)
    assert extract_payload(build("local").get_root().render())["tiles"]["attribution"] == (
        "&lt;b&gt;OSM &amp; co"
    )

    settings_with(tiles="local", tiles_file=path, tiles_attribution="出典：国土地理院 <i>")
    tiles = extract_payload(build("local").get_root().render())["tiles"]
    assert tiles["attribution"] == "出典：国土地理院 &lt;i&gt;"


def test_a_missing_file_leaves_the_map_without_a_base_layer(settings_with, tmp_path, caplog):
    settings_with(tiles="local", tiles_file=tmp_path / "nowhere.pmtiles")

    html = build("local").get_root().render()

    assert extract_payload(html)["tiles"] is None  # the wards are still drawn
    assert "nowhere.pmtiles" in caplog.text


def test_local_without_a_file_says_what_is_missing(settings_with, caplog):
    settings_with(tiles="local")

    assert get_tile_provider("local").url is None
    assert "DASHBOARD_TILES_FILE" in caplog.text


def test_unknown_tiles_are_refused_naming_the_local_choices():
    with pytest.raises(ValueError, match="local, demo"):
        get_tile_provider("google")


def test_the_demo_base_map_is_the_default_in_demo_mode_only(monkeypatch, tmp_path):
    for name in ("DASHBOARD_TILES", "DASHBOARD_DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)

    assert Settings(data_dir=tmp_path).tiles == "demo"
    assert Settings(data_dir=tmp_path, demo_mode=False, secret_key="x" * 32).tiles == "none"
    assert Settings(data_dir=tmp_path, tiles="none").tiles == "none"
    monkeypatch.setenv("DASHBOARD_TILES", "gsi_pale")
    assert Settings(data_dir=tmp_path).tiles == "gsi_pale"


def test_the_demo_layer_is_known_before_its_file_is_drawn(settings_with, tmp_path):
    settings_with(tiles="demo")

    tiles = extract_payload(build("demo").get_root().render())["tiles"]

    assert LOCAL_TILE_URL.fullmatch(tiles["url"]) and "demo" in tiles["url"]
    assert "模式図" in tiles["attribution"] and not re.search("[A-Za-z]", tiles["attribution"])
    assert list(tmp_path.iterdir()) == []  # drawn on the first tile request, not here


def tile_at(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The XYZ address of the tile holding a point (Web Mercator)."""
    n = 1 << z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return demo_basemap.ensure_demo_basemap(tmp_path_factory.mktemp("data"))


def test_the_demo_base_layer_file_is_drawn_and_holds_tiles(demo_file):
    tiles = open_tile_file(demo_file)
    with sqlite3.connect(demo_file) as conn:
        counts = dict(conn.execute("SELECT zoom_level, count(*) FROM tiles GROUP BY 1"))

    assert sorted(counts) == list(range(DEMO_MIN_ZOOM, DEMO_MAX_ZOOM + 1))
    assert sum(counts.values()) > 1000
    assert tiles.info.format == "png" and "模式図" in tiles.info.attribution
    # Over the city centre (中央区, z 13): a drawn tile with lines and labels, not one colour.
    centre = Image.open(io.BytesIO(tiles.tile(*tile_at(135.5155, 34.6789, 13)))).convert("RGB")
    assert centre.size == (256, 256)
    assert len(centre.getcolors(1 << 16)) > 8
    # Out in Osaka Bay: plain sea; inland to the north-east: plain land.
    assert Image.open(io.BytesIO(tiles.tile(*tile_at(135.25, 34.5, 13)))).convert(
        "RGB"
    ).getcolors() == [(256 * 256, SEA)]
    assert Image.open(io.BytesIO(tiles.tile(*tile_at(135.70, 34.45, 13)))).convert(
        "RGB"
    ).getcolors() == [(256 * 256, LAND)]
    assert tiles.tile(16, 0, 0) is None


def test_the_demo_file_is_drawn_once(demo_file):
    before = demo_file.stat().st_mtime_ns

    assert demo_basemap.ensure_demo_basemap(demo_file.parent) == demo_file
    assert demo_file.stat().st_mtime_ns == before
    assert [p.name for p in demo_file.parent.iterdir()] == [demo_file.name]  # no temporary left


def test_without_a_japanese_font_the_demo_is_labelled_in_romaji(monkeypatch, tmp_path):
    monkeypatch.setattr(demo_basemap, "JAPANESE_FONTS", ())
    demo_basemap._font.cache_clear()
    try:
        labels = [label.text for label in demo_basemap._labels(13, demo_basemap._wards())]
        scene = demo_basemap._scene(13, demo_basemap._wards())
        _, x, y = tile_at(135.5155, 34.6789, 13)
        drawn = demo_basemap._draw_tile(scene, x, y)
    finally:
        demo_basemap._font.cache_clear()

    assert demo_basemap.demo_basemap_path(tmp_path).name == "basemap-demo1-latin.mbtiles"
    assert "Chuo" in labels and "Osaka Bay" in labels and "中央区" not in labels
    assert len(drawn.getcolors(1 << 16)) > 8
