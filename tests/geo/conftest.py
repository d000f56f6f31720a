"""Shared fixtures for geo tests: the real Osaka boundary data from shared/ (skipped if absent)."""

from pathlib import Path

import pandas as pd
import pytest

from geo import load_boundaries

# shared/ sits beside the repository root, never inside it.
OSAKA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "osaka"
OSAKA_MUNICIPALITIES = OSAKA_DIR / "osaka-pref-municipalities.geojson"
OSAKA_WARDS_CSV = OSAKA_DIR / "osaka-city-wards.csv"


def _require(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(
            f"Osaka test data not found at {path} (shared/data/osaka is not in this checkout)"
        )
    return path


@pytest.fixture(scope="session")
def osaka_geojson() -> Path:
    return _require(OSAKA_MUNICIPALITIES)


@pytest.fixture(scope="session")
def osaka_areas(osaka_geojson):
    return load_boundaries(osaka_geojson)


@pytest.fixture(scope="session")
def osaka_ward_points() -> pd.DataFrame:
    wards = pd.read_csv(_require(OSAKA_WARDS_CSV), dtype={"code": str})
    return wards.rename(columns={"point_lat": "lat", "point_lon": "lon"})
