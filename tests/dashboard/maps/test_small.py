"""The small maps of the forms and the directive board: names escaped, nothing from outside."""

import geopandas as gpd
from shapely.geometry import box

from dashboard.maps.small import acknowledgement_map, location_map

HOSTILE = "{{ 1000+337 }}<img src=x onerror=alert(1)>"


def areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["1", "2"],
            "name_ja": [HOSTILE, "北区"],
            "name_en": [None, "Kita"],
            "geometry": [box(135.49, 34.69, 135.50, 34.70), box(135.50, 34.69, 135.51, 34.70)],
        },
        crs="EPSG:4326",
    )


def test_location_map_escapes_names_and_shows_the_point():
    html = (
        location_map(
            areas(), home_codes=frozenset({"2"}), center=(34.695, 135.5), point=(34.695, 135.505)
        )
        .get_root()
        .render()
    )
    assert "onerror=alert(1)>" not in html and "1337" not in html
    assert "&lt;img src=x" in html and "&#123;&#123; 1000+337 &#125;&#125;" in html
    assert "circle_marker" in html and "https://" not in html.replace("https://leafletjs", "")


def test_acknowledgement_map_colours_done_and_open_areas():
    html = acknowledgement_map(areas(), done_codes=frozenset({"2"}), lang="en").get_root().render()
    assert html.count("#2e7d32") >= 1 and html.count("#c62828") >= 1
    assert "Kita" in html and "onerror=alert(1)>" not in html
