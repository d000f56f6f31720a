"""``GET /mapdata/{token}``: a situation map's published data over HTTP, only to a login of the
area and role it was built for (the ASGI route of ``dashboard.web``, called in-process)."""

from __future__ import annotations

import gzip
import json

import pytest

from dashboard import web_mapdata
from dashboard.maps import PUBLISHED
from dashboard.services import accounts
from tests.dashboard.test_web_tiles import get

PAYLOAD = {"areas": {"type": "FeatureCollection", "features": []}, "reports": {"n": 3}}


@pytest.fixture
def published(city, monkeypatch):
    """The mayor's map data published as the map page does, and the route on the test's engine."""
    monkeypatch.setattr(web_mapdata, "_engine", lambda: city.engine)
    PUBLISHED.clear()
    entry = PUBLISHED.publish(
        ("test-map",),
        (city.mayor.jurisdiction_code, city.mayor.role),
        lambda: (
            json.dumps(PAYLOAD),
            [[34.6, 135.4], [34.7, 135.6]],
        ),
    )
    yield entry
    PUBLISHED.clear()


def cookie(engine, actor) -> dict[str, str]:
    return {"Cookie": f"dashboard_session={accounts.start_session(engine, actor)}"}


def test_the_mayor_gets_the_map_data_gzipped_and_kept_by_the_browser(city, published):
    mine = cookie(city.engine, city.mayor)
    status, headers, body = get(published.url, {**mine, "Accept-Encoding": "gzip, br"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(body)) == PAYLOAD
    assert "immutable" in headers["cache-control"] and "private" in headers["cache-control"]

    again = get(published.url, {**mine, "If-None-Match": headers["etag"]})
    assert again[0] == 304 and again[2] == b""  # an unchanged map costs no payload
    status, _, body = get(published.url, mine)  # a client without gzip gets plain JSON
    assert status == 200 and json.loads(body) == PAYLOAD


def test_no_login_another_area_or_an_unknown_token_gets_nothing(city, published):
    assert get(published.url)[0] == 401
    assert get(published.url, {"Cookie": "dashboard_session=forged"})[0] == 401
    status, _, body = get(published.url, cookie(city.engine, city.kita_head))
    assert status == 404 and b"reports" not in body  # a ward head: not the city's data
    status, _, body = get(published.url, cookie(city.engine, city.viewer))
    assert status == 404 and b"reports" not in body  # same area, another role
    mine = cookie(city.engine, city.mayor)
    assert get("/mapdata/" + "0" * 32, mine)[0] == 404
    assert get("/mapdata/../../etc/passwd", mine)[0] == 404


def test_a_logged_out_token_no_longer_reads_the_data(city, published):
    token = accounts.start_session(city.engine, city.mayor)
    accounts.end_session(city.engine, token)
    assert get(published.url, {"Cookie": f"dashboard_session={token}"})[0] == 401
