"""Made-up geography for the offline demo: schematic ward cells and random points inside areas."""

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# CRS of inputs (lat/lon columns, polygons) and outputs.
OUTPUT_CRS = "EPSG:4326"

# Random points drawn per round, at least, so tiny requests still fill in few rounds.
MIN_BATCH = 256

# Rounds of rejection sampling before giving up on a polygon that is almost all hole.
MAX_ROUNDS = 100


def schematic_areas(points: pd.DataFrame, *, buffer_m: float = 1500) -> gpd.GeoDataFrame:
    """One schematic cell per point: Voronoi cells clipped to the points' buffered hull.

    Parameters
    ----------
    points : pandas.DataFrame
        Columns ``code``, ``lat``, ``lon`` (degrees, EPSG:4326), one row per area; any other
        columns are kept. Points must be distinct.
    buffer_m : float, default 1500
        How far, in metres, the outline reaches beyond the convex hull of the points.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of ``points`` plus ``geometry``: a Polygon containing its point; cells do
        not overlap and together fill the outline. CRS EPSG:4326. Distances are computed in the
        local UTM zone of the points' centre.
    """
    sites = gpd.GeoSeries(gpd.points_from_xy(points["lon"], points["lat"]), crs=OUTPUT_CRS)
    if sites.duplicated().any():
        raise ValueError("schematic_areas needs distinct points")
    metric = sites.to_crs(_local_utm(points["lat"].mean(), points["lon"].mean()))
    outline = metric.union_all().convex_hull.buffer(buffer_m)
    if len(metric) == 1:
        cells = np.array([outline], dtype=object)
    else:
        diagram = shapely.voronoi_polygons(shapely.MultiPoint(list(metric)), extend_to=outline)
        cells = shapely.intersection(shapely.get_parts(diagram), outline)
    # Match cells to points by containment: GEOS does not promise the input order.
    point_idx, cell_idx = shapely.STRtree(cells).query(metric.values, predicate="within")
    geometry = np.empty(len(metric), dtype=object)
    geometry[point_idx] = cells[cell_idx]
    out = gpd.GeoDataFrame(points.copy(), geometry=list(geometry), crs=metric.crs)
    return out.to_crs(OUTPUT_CRS)


def random_points_in(
    polygon: shapely.Geometry, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Uniform random points inside a polygon, by rejection from its bounding box.

    Parameters
    ----------
    polygon : shapely.Polygon or shapely.MultiPolygon
        Lon/lat degrees (EPSG:4326). Uniform in degrees, which at city scale is uniform in area
        to within a fraction of a percent.
    n : int
        How many points.
    rng : numpy.random.Generator
        Source of randomness, so callers can seed it.

    Returns
    -------
    (lats, lons) : tuple of numpy.ndarray of float
        ``n`` latitudes and ``n`` longitudes, degrees.
    """
    if n <= 0:
        return np.empty(0), np.empty(0)
    if polygon is None or polygon.is_empty or polygon.area == 0:
        raise ValueError("random_points_in needs a polygon with an area")
    west, south, east, north = polygon.bounds
    fill = polygon.area / ((east - west) * (north - south))
    shapely.prepare(polygon)
    lats, lons = [], []
    found = 0
    for _ in range(MAX_ROUNDS):
        batch = max(MIN_BATCH, int((n - found) / fill * 1.2))
        x = rng.uniform(west, east, batch)
        y = rng.uniform(south, north, batch)
        keep = shapely.contains_xy(polygon, x, y)
        lons.append(x[keep])
        lats.append(y[keep])
        found += int(keep.sum())
        if found >= n:
            return np.concatenate(lats)[:n], np.concatenate(lons)[:n]
    raise ValueError("random_points_in could not place the points: polygon too thin")


def _local_utm(lat: float, lon: float) -> str:
    """EPSG code of the WGS 84 UTM zone containing a point (EPSG:32653 for Osaka)."""
    zone = int((lon + 180) // 6) % 60 + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"
