"""``GET /tiles/{z}/{x}/{y}.png``: the app serves its local base map over HTTP (the ASGI routes of
``dashboard.web``, called in-process)."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette

from dashboard.maps import basemap
from dashboard.settings import Settings
from dashboard.web import ROUTES
from tests.dashboard.maps.tile_factories import (
    colour_of,
    tile_colour,
    write_mbtiles,
    write_pmtiles,
)

WRITERS = {"mbtiles": write_mbtiles, "pmtiles": write_pmtiles}


def get(path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """(status, headers, body) of one request to the app's routes."""
    app = Starlette(routes=ROUTES)
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "method": method,
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8501),
        "client": ("127.0.0.1", 40000),
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    response_headers = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], response_headers, body


@pytest.fixture
def serve(monkeypatch, tmp_path):
    """Point the app's settings at a tile file (or another choice)."""

    def choose(tiles: str, **values) -> None:
        settings = Settings(tiles=tiles, data_dir=tmp_path, secret_key="x" * 32, **values)
        monkeypatch.setattr(basemap, "get_settings", lambda: settings)

    return choose


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_tiles_of_the_file_are_served_at_their_xyz_address(serve, tmp_path, kind) -> None:
    path = WRITERS[kind](tmp_path / f"city.{kind}")
    serve("local", tiles_file=path)

    for z, x, y in ((1, 0, 0), (1, 1, 1), (2, 3, 0), (2, 3, 3)):
        status, headers, body = get(f"/tiles/{z}/{x}/{y}.png?v=1")
        assert status == 200
        assert tile_colour(body) == colour_of(z, x, y)
        assert headers["content-type"] == "image/png"
        assert headers["cache-control"] == "public, max-age=86400"
        assert headers["x-content-type-options"] == "nosniff"


def test_a_path_as_the_setting_serves_that_file(serve, tmp_path) -> None:
    path = write_pmtiles(tmp_path / "city.pmtiles")
    serve(str(path))

    status, _, body = get("/tiles/2/3/0.png")

    assert status == 200 and tile_colour(body) == colour_of(2, 3, 0)


def test_the_browser_revalidates_with_the_etag(serve, tmp_path) -> None:
    serve("local", tiles_file=write_mbtiles(tmp_path / "city.mbtiles"))
    _, headers, _ = get("/tiles/1/0/0.png")

    status, again, body = get("/tiles/1/0/0.png", {"If-None-Match": headers["etag"]})

    assert status == 304 and body == b"" and again["etag"] == headers["etag"]
    assert get("/tiles/1/1/0.png", {"If-None-Match": headers["etag"]})[0] == 200


def test_a_replaced_file_is_served_with_a_new_version(serve, tmp_path) -> None:
    path = write_mbtiles(tmp_path / "city.mbtiles", tiles=((1, 0, 0),))
    serve("local", tiles_file=path)
    _, before, _ = get("/tiles/1/0/0.png")
    assert get("/tiles/1/1/1.png")[0] == 404

    replacement = write_mbtiles(tmp_path / "new.mbtiles")
    replacement.replace(path)

    _, after, _ = get("/tiles/1/0/0.png")
    assert after["etag"] != before["etag"]
    assert get("/tiles/1/1/1.png")[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/3/0/0.png",  # a zoom the file does not hold
        "/tiles/2/0/0.png",  # a tile the file does not hold
        "/tiles/1/2/0.png",  # outside the zoom's grid
        "/tiles/99999999999999999999/0/0.png",
        "/tiles/1/0/0.jpg",  # not the file's format
        "/tiles/1/0/-1.png",
        "/tiles/1/0/0",
        "/tiles/../../../etc/passwd",
        "/tiles/1/0/../../../../etc/passwd",
        "/tiles/1/0/0.png/../../../city.mbtiles",
        "/tiles/1/0/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/tiles/city.mbtiles",
        "/tiles/",
    ],
)
def test_anything_else_is_not_found(serve, tmp_path, path) -> None:
    serve("local", tiles_file=write_mbtiles(tmp_path / "city.mbtiles"))

    status, headers, body = get(path)

    assert status == 404
    assert not body.startswith(b"\x89PNG") and b"root:" not in body and b"SQLite" not in body


@pytest.mark.parametrize("tiles", ["none", "gsi_std", "osm"])
def test_no_tile_is_served_without_a_local_base_map(serve, tmp_path, tiles) -> None:
    write_mbtiles(tmp_path / "city.mbtiles")
    serve(tiles, tiles_file=tmp_path / "city.mbtiles")

    status, _, body = get("/tiles/1/0/0.png")

    assert status == 404 and b"no local base map" in body


def test_a_missing_file_is_not_found_and_logged_once(serve, tmp_path, caplog) -> None:
    serve("local", tiles_file=tmp_path / "gone.mbtiles")

    assert get("/tiles/1/0/0.png")[0] == 404
    assert get("/tiles/1/0/1.png")[0] == 404
    warnings = [r.message for r in caplog.records if "gone.mbtiles" in r.message]
    assert len(warnings) == 1  # once, not on every request


def test_head_requests_are_answered(serve, tmp_path) -> None:
    serve("local", tiles_file=write_mbtiles(tmp_path / "city.mbtiles"))

    status, headers, _ = get("/tiles/1/0/0.png", method="HEAD")

    assert status == 200 and headers["content-type"] == "image/png"


@pytest.fixture(autouse=True)
def _forget_warnings():
    basemap._warned.clear()
    yield
    basemap._warned.clear()
