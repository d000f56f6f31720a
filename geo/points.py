"""Points against areas and against each other: which ward, how far, which shelter is nearest."""

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

# Mean Earth radius (IUGG), metres; haversine error against the ellipsoid stays under 0.5 %.
EARTH_RADIUS_M = 6_371_008.8

# CRS that point coordinates (lat/lon) are given in.
POINT_CRS = "EPSG:4326"


def assign_areas(lat: ArrayLike, lon: ArrayLike, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Find the area each point lies in, for many points at once.

    Parameters
    ----------
    lat, lon : array_like of float
        Latitudes and longitudes in degrees (EPSG:4326), same length. NaN gives None.
    areas : geopandas.GeoDataFrame
        Polygons with a ``code`` column, e.g. from :func:`geo.load_boundaries`; reprojected to
        EPSG:4326 if in another CRS.

    Returns
    -------
    numpy.ndarray of object
        The ``code`` of the area containing each point, or None outside every area. A point on a
        shared border goes to the area listed first in ``areas``.
    """
    lat = np.asarray(lat, dtype=float).ravel()
    lon = np.asarray(lon, dtype=float).ravel()
    if areas.crs is not None and not areas.crs.equals(POINT_CRS):
        areas = areas.to_crs(POINT_CRS)
    polygons = np.asarray(areas.geometry.values, dtype=object)
    codes = areas["code"].to_numpy(dtype=object)
    result = np.full(len(lat), None, dtype=object)
    if len(lat) == 0 or len(polygons) == 0:
        return result

    # Bounding boxes first (cheap, via the tree), then an exact test against prepared polygons,
    # which stays fast on full-resolution boundaries with thousands of vertices.
    point_idx, area_idx = shapely.STRtree(polygons).query(shapely.points(lon, lat))
    # Preparing in place is invisible to the caller and lets the next call reuse the work.
    shapely.prepare(polygons)
    inside = shapely.intersects_xy(polygons[area_idx], lon[point_idx], lat[point_idx])
    point_idx, area_idx = point_idx[inside], area_idx[inside]

    order = np.lexsort((area_idx, point_idx))  # per point, lowest area index first
    point_idx, area_idx = point_idx[order], area_idx[order]
    first = np.unique(point_idx, return_index=True)[1]
    result[point_idx[first]] = codes[area_idx[first]]
    return result


def assign_area(lat: float, lon: float, areas: gpd.GeoDataFrame) -> str | None:
    """Find the area one point lies in.

    Parameters
    ----------
    lat, lon : float
        Degrees, EPSG:4326.
    areas : geopandas.GeoDataFrame
        As for :func:`assign_areas`.

    Returns
    -------
    str or None
        The area's ``code``, or None outside every area.
    """
    return assign_areas([lat], [lon], areas)[0]


def haversine_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> np.ndarray:
    """Great-circle distance between points, broadcasting like numpy.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array_like of float
        Degrees, EPSG:4326.

    Returns
    -------
    numpy.ndarray of float
        Distance in metres on a sphere of radius ``EARTH_RADIUS_M``.
    """
    phi1, lam1, phi2, lam2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2)
    )
    h = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def nearest_shelter(
    lat: float, lon: float, shelters: pd.DataFrame, *, min_free: int = 1
) -> pd.Series | None:
    """The nearest open shelter with room.

    Parameters
    ----------
    lat, lon : float
        Where the person is, degrees, EPSG:4326.
    shelters : pandas.DataFrame
        Columns ``id``, ``lat``, ``lon`` (degrees), ``state``, ``capacity``, ``evacuees``.
    min_free : int, default 1
        Places that must be free (``capacity - evacuees``) for a shelter to qualify.

    Returns
    -------
    pandas.Series or None
        The shelter's row with ``distance_m`` (metres) added; None if no shelter is open with
        ``min_free`` places free. Ties go to the shelter listed first.
    """
    free = shelters["capacity"] - shelters["evacuees"]
    candidates = shelters[(shelters["state"] == "open") & (free >= min_free)]
    if candidates.empty:
        return None
    distances = haversine_m(lat, lon, candidates["lat"], candidates["lon"])
    best = int(np.argmin(distances))
    row = candidates.iloc[best].copy()
    row["distance_m"] = float(distances[best])
    return row


def points_within_m(
    lat: float, lon: float, lats: ArrayLike, lons: ArrayLike, radius_m: float
) -> np.ndarray:
    """Which of many points lie within a distance of one point.

    Parameters
    ----------
    lat, lon : float
        The centre, degrees, EPSG:4326.
    lats, lons : array_like of float
        The other points, degrees, EPSG:4326.
    radius_m : float
        Distance in metres; a point exactly at ``radius_m`` counts as within.

    Returns
    -------
    numpy.ndarray of bool
        One flag per point in ``lats``/``lons``; NaN coordinates give False.
    """
    return haversine_m(lat, lon, lats, lons) <= radius_m
