"""Pure geodata library: boundary files, point-in-area, distances, demo geography.

Everything here takes and returns plain data (GeoDataFrames, numpy arrays) in EPSG:4326 and
never imports streamlit or the dashboard.
"""

from geo.boundaries import (
    BoundaryFileError,
    build_hierarchy,
    load_boundaries,
    normalise_code,
)
from geo.demo import random_points_in, schematic_areas
from geo.points import (
    assign_area,
    assign_areas,
    haversine_m,
    nearest_shelter,
    points_within_m,
)

__all__ = [
    "BoundaryFileError",
    "assign_area",
    "assign_areas",
    "build_hierarchy",
    "haversine_m",
    "load_boundaries",
    "nearest_shelter",
    "normalise_code",
    "points_within_m",
    "random_points_in",
    "schematic_areas",
]
