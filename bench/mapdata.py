"""Synthetic data for the map benchmarks: the Osaka wards (from ../shared/data when present,
else a schematic grid), shelters and damage reports at random points, a fixed "now"."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

REPO = Path(__file__).resolve().parents[1]
SHELTER_COUNT = 500
OSAKA_WARDS = REPO.parent / "shared" / "data" / "osaka" / "osaka-pref-municipalities.geojson"
NOW = datetime(2025, 1, 17, 5, 46, tzinfo=ZoneInfo("Asia/Tokyo"))
CATEGORIES = (
    "building_collapse",
    "fire",
    "flooding",
    "landslide",
    "road_blocked",
    "lifelines",
    "trapped",
    "other",
)
PHRASES = (
    "木造家屋が倒壊、住民が下敷きの可能性",
    "道路に亀裂、車両通行不可",
    "床上浸水、水位上昇中",
    "住宅から出火、延焼のおそれ",
    "裏山の斜面が崩れた",
    "停電と断水が続いている",
    "高齢者が自宅に取り残されている",
    "電柱が傾いて道をふさいでいる",
)


def load_wards() -> tuple[gpd.GeoDataFrame, str]:
    """Osaka City's 24 wards from the shared data, or a schematic grid of 24 boxes."""
    rng = np.random.default_rng(24)
    if OSAKA_WARDS.exists():
        raw = gpd.read_file(OSAKA_WARDS)
        raw = raw[raw["N03_003"] == "大阪市"].reset_index(drop=True)
        wards = gpd.GeoDataFrame(
            {"code": raw["N03_007"], "name": raw["N03_004"]}, geometry=raw.geometry, crs=raw.crs
        )
        source = "Osaka City wards (shared data)"
    else:
        cells = [
            box(135.40 + c * 0.03, 34.60 + r * 0.03, 135.43 + c * 0.03, 34.63 + r * 0.03)
            for r in range(4)
            for c in range(6)
        ]
        wards = gpd.GeoDataFrame(
            {"code": [f"{27102 + i}" for i in range(24)], "name": [f"第{i}区" for i in range(24)]},
            geometry=cells,
            crs="EPSG:4326",
        )
        source = "schematic 6 x 4 grid"
    n = len(wards)
    wards["level"] = rng.integers(0, 5, n)
    wards["silent"] = rng.random(n) < 0.15
    wards["open_shelters"] = rng.integers(0, 30, n)
    wards["evacuees"] = rng.integers(0, 5000, n)
    wards["capacity"] = 8000
    wards["reports"] = rng.integers(0, 500, n)
    wards["casualties"] = rng.integers(0, 5, n)
    wards["last_report_at"] = [NOW - timedelta(minutes=int(m)) for m in rng.integers(0, 90, n)]
    return wards, source


def random_points(wards: gpd.GeoDataFrame, count: int, rng: np.random.Generator) -> np.ndarray:
    """(lat, lon) clustered around ward centres, as reports bunch where damage is."""
    centres = wards.to_crs(6669).centroid.to_crs(4326)
    pick = rng.integers(0, len(wards), count)
    lat = centres.y.to_numpy()[pick] + rng.normal(0, 0.008, count)
    lon = centres.x.to_numpy()[pick] + rng.normal(0, 0.01, count)
    return np.column_stack([lat, lon])


def make_shelters(wards: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    points = random_points(wards, SHELTER_COUNT, rng)
    capacity = rng.integers(50, 2000, SHELTER_COUNT)
    return pd.DataFrame(
        {
            "id": np.arange(1, SHELTER_COUNT + 1),
            "name": [f"市立第{i}小学校" for i in range(SHELTER_COUNT)],
            "kind": rng.choice(
                ["designated", "welfare", "emergency_site", "adhoc"],
                SHELTER_COUNT,
                p=[0.7, 0.1, 0.15, 0.05],
            ),
            "lat": points[:, 0],
            "lon": points[:, 1],
            "capacity": capacity,
            "state": rng.choice(["open", "full", "preparing", "closed", None], SHELTER_COUNT),
            "evacuees": (capacity * rng.random(SHELTER_COUNT)).astype(int),
            "updated_at": [NOW - timedelta(minutes=int(m)) for m in rng.integers(0, 240, 500)],
        }
    )


def make_reports(wards: gpd.GeoDataFrame, count: int, rng: np.random.Generator) -> pd.DataFrame:
    points = random_points(wards, count, rng)
    hurt = rng.random(count) < 0.03
    phrases = rng.choice(PHRASES, count)
    return pd.DataFrame(
        {
            "id": np.arange(1, count + 1),
            "lat": points[:, 0],
            "lon": points[:, 1],
            "category": rng.choice(CATEGORIES, count),
            "severity": rng.integers(1, 5, count),
            "review_state": rng.choice(["new", "confirmed", "resolved", "duplicate"], count),
            "description": [f"{p}（第{i}報）" for i, p in enumerate(phrases)],
            "dead": np.where(hurt, rng.integers(0, 2, count), 0),
            "injured": np.where(hurt, rng.integers(0, 5, count), 0),
            "missing": np.where(hurt, rng.integers(0, 2, count), 0),
            "trapped": np.where(hurt, rng.integers(0, 3, count), 0),
            "reported_at": pd.Series(NOW - pd.to_timedelta(rng.integers(0, 1440, count), "m")),
            "ward_code": rng.choice(wards["code"].to_numpy(), count),
        }
    )
