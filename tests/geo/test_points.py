"""Point-in-area assignment, distances and the nearest open shelter."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo import assign_area, assign_areas, haversine_m, nearest_shelter, points_within_m

# Metres in one degree of latitude on the haversine sphere (2πR / 360).
METRES_PER_DEGREE = 111_195.08


@pytest.mark.parametrize(
    ("place", "lat", "lon", "code"),
    [
        ("Osaka City Hall", 34.6937, 135.5022, "27127"),  # 北区
        ("Osaka Castle", 34.6873, 135.5262, "27128"),  # 中央区
        ("Osaka Bay", 34.6, 135.2, None),
    ],
)
def test_landmarks_fall_in_their_ward(osaka_areas, place, lat, lon, code):
    assert assign_area(lat, lon, osaka_areas) == code


def test_assign_areas_on_100k_points_matches_a_slow_per_point_check(osaka_areas):
    rng = np.random.default_rng(27)
    west, south, east, north = osaka_areas.total_bounds
    lat = rng.uniform(south, north, 100_000)
    lon = rng.uniform(west, east, 100_000)

    codes = assign_areas(lat, lon, osaka_areas)

    assert codes.shape == (100_000,) and codes.dtype == object
    inside = np.array([c is not None for c in codes])
    assert 0.2 < inside.mean() < 0.9  # the bounding box holds sea and Hyogo/Nara too
    assert set(codes[inside]) <= set(osaka_areas["code"])
    for i in rng.choice(100_000, size=200, replace=False):
        point = shapely.Point(lon[i], lat[i])
        slow = [
            code
            for code, g in zip(osaka_areas["code"], osaka_areas.geometry, strict=True)
            if g.covers(point)
        ]
        assert codes[i] == (slow[0] if slow else None), (lat[i], lon[i])


def test_assign_areas_handles_empty_nan_and_projected_areas():
    areas = gpd.GeoDataFrame(
        {"code": ["27127"]}, geometry=[box(135.49, 34.69, 135.51, 34.71)], crs="EPSG:4326"
    )
    assert list(assign_areas([], [], areas)) == []
    assert list(assign_areas([np.nan, 34.70], [135.50, np.nan], areas)) == [None, None]
    projected = areas.to_crs("EPSG:6674")
    assert list(assign_areas([34.70, 34.80], [135.50, 135.50], projected)) == ["27127", None]


def test_point_on_shared_border_goes_to_the_first_area():
    areas = gpd.GeoDataFrame(
        {"code": ["B", "A"]},
        geometry=[box(135.50, 34.69, 135.51, 34.70), box(135.49, 34.69, 135.50, 34.70)],
        crs="EPSG:4326",
    )
    assert assign_area(34.695, 135.50, areas) == "B"


def test_haversine_one_degree_of_latitude_and_broadcasting():
    assert haversine_m(34.0, 135.5, 35.0, 135.5) == pytest.approx(METRES_PER_DEGREE, abs=1)
    # Osaka Station to Tokyo Station is about 403 km.
    assert haversine_m(34.7025, 135.4959, 35.6812, 139.7671) == pytest.approx(403_000, rel=0.01)
    distances = haversine_m(34.7, 135.5, np.array([34.7, 34.701, 34.71]), 135.5)
    assert distances == pytest.approx([0, METRES_PER_DEGREE / 1000, METRES_PER_DEGREE / 100])


def shelters_frame():
    # Distances from (34.70, 135.50): s-closed ~110 m, s-full ~220 m, s-open ~330 m, s-far ~1.1 km.
    return pd.DataFrame(
        {
            "id": ["s-closed", "s-full", "s-open", "s-far"],
            "lat": [34.701, 34.702, 34.703, 34.71],
            "lon": [135.50] * 4,
            "state": ["closed", "open", "open", "open"],
            "capacity": [100, 50, 40, 500],
            "evacuees": [0, 50, 10, 100],
        }
    )


def test_nearest_shelter_skips_closed_and_full_shelters():
    best = nearest_shelter(34.70, 135.50, shelters_frame())
    assert best["id"] == "s-open"
    assert best["distance_m"] == pytest.approx(3 * METRES_PER_DEGREE / 1000)


def test_nearest_shelter_needs_min_free_places():
    assert nearest_shelter(34.70, 135.50, shelters_frame(), min_free=31)["id"] == "s-far"
    assert nearest_shelter(34.70, 135.50, shelters_frame(), min_free=401) is None


def test_nearest_shelter_none_when_nothing_is_open():
    shelters = shelters_frame().assign(state="closed")
    assert nearest_shelter(34.70, 135.50, shelters) is None
    assert nearest_shelter(34.70, 135.50, shelters.iloc[0:0]) is None


def test_points_within_100m_for_duplicate_suggestions():
    lats = [34.7009, 34.7010, 34.7011, np.nan]  # about 100 m, 111 m and 122 m north, unknown
    mask = points_within_m(34.70, 135.50, lats, [135.50] * 4, 105)
    assert mask.tolist() == [True, False, False, False]
