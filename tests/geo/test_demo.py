"""Schematic ward cells and random points for the offline demo city."""

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo import assign_areas, random_points_in, schematic_areas


def test_schematic_areas_gives_24_disjoint_cells_each_holding_its_ward_point(osaka_ward_points):
    cells = schematic_areas(osaka_ward_points)

    assert len(cells) == 24
    assert cells.crs.to_epsg() == 4326
    assert list(cells["code"]) == list(osaka_ward_points["code"])
    assert list(cells["ward"]) == list(osaka_ward_points["ward"])  # other columns are kept
    assert set(cells.geom_type) == {"Polygon"}
    for row in cells.itertuples():
        assert row.geometry.contains(shapely.Point(row.lon, row.lat)), row.ward
    for a, b in itertools.combinations(cells.geometry, 2):
        assert a.intersection(b).area < 1e-12
    # Each ward point is assigned to its own cell when the cells are used as areas.
    codes = assign_areas(osaka_ward_points["lat"], osaka_ward_points["lon"], cells)
    assert list(codes) == list(osaka_ward_points["code"])


def test_schematic_outline_is_the_hull_buffered_by_buffer_m(osaka_ward_points):
    utm = "EPSG:32653"  # metres around Osaka
    cells = schematic_areas(osaka_ward_points, buffer_m=1500).to_crs(utm)
    sites = gpd.GeoSeries(
        gpd.points_from_xy(osaka_ward_points["lon"], osaka_ward_points["lat"]), crs="EPSG:4326"
    ).to_crs(utm)
    expected = sites.union_all().convex_hull.buffer(1500)
    assert cells.total_bounds[0] == pytest.approx(sites.total_bounds[0] - 1500, abs=5)
    assert cells.union_all().area == pytest.approx(expected.area, rel=1e-3)


def test_schematic_areas_rejects_duplicate_points():
    points = pd.DataFrame({"code": ["a", "b"], "lat": [34.7, 34.7], "lon": [135.5, 135.5]})
    with pytest.raises(ValueError, match="distinct"):
        schematic_areas(points)


def test_random_points_fall_inside_the_polygon_and_repeat_with_the_seed():
    square = box(135.49, 34.67, 135.53, 34.71)
    hole = box(135.50, 34.68, 135.52, 34.70)
    ring = square.difference(hole)

    lats, lons = random_points_in(ring, 5000, np.random.default_rng(1))

    assert lats.shape == lons.shape == (5000,)
    assert shapely.contains_xy(ring, lons, lats).all()
    assert not shapely.contains_xy(hole, lons, lats).any()
    # Uniform: the western quarter-strip of the ring holds about its share of the area.
    strip = box(135.49, 34.67, 135.50, 34.71).intersection(ring)
    share = shapely.contains_xy(strip, lons, lats).mean()
    assert share == pytest.approx(strip.area / ring.area, abs=0.03)
    again = random_points_in(ring, 5000, np.random.default_rng(1))
    assert np.array_equal(again[0], lats) and np.array_equal(again[1], lons)


def test_random_points_in_empty_polygon_is_an_error():
    with pytest.raises(ValueError):
        random_points_in(shapely.Polygon(), 3, np.random.default_rng(0))
