"""Small map inputs built in code: a 6 x 4 grid of schematic wards, shelters and damage reports."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2025, 1, 17, 5, 46, 30, tzinfo=JST)
XSS = "<img src=x onerror=alert(1)>"
# Lower-left corner and cell size (degrees) of the schematic ward grid.
GRID_ORIGIN = (135.40, 34.60)
CELL = 0.03

_PAYLOAD = re.compile(r"DisasterMap\.draw\(\w+, (.+)\);")


def make_wards(count: int = 24, *, silent: tuple[int, ...] = ()) -> gpd.GeoDataFrame:
    rows = []
    for i in range(count):
        row, col = divmod(i, 6)
        x0 = GRID_ORIGIN[0] + col * CELL
        y0 = GRID_ORIGIN[1] + row * CELL
        rows.append(
            {
                "code": f"{27102 + i}",
                "name": f"第{i}区",
                "level": i % 5,
                "silent": i in silent,
                "open_shelters": i,
                "evacuees": 100 * i,
                "capacity": 5000,
                "reports": 3 * i,
                "casualties": 0,
                "last_report_at": NOW - timedelta(minutes=7 * i) if i else None,
                "geometry": box(x0, y0, x0 + CELL, y0 + CELL),
            }
        )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def make_shelters(count: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "id": np.arange(1, count + 1),
            "name": [f"避難所{i}" for i in range(count)],
            "kind": ["designated", "welfare", "emergency_site", "adhoc"] * (count // 4)
            + ["designated"] * (count % 4),
            "lat": rng.uniform(34.61, 34.71, count),
            "lon": rng.uniform(135.41, 135.57, count),
            "capacity": np.full(count, 200),
            "state": ["open"] * count,
            "evacuees": np.full(count, 20),
            "updated_at": [NOW - timedelta(minutes=5)] * count,
        }
    )


def make_reports(count: int = 100, *, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    categories = ["building_collapse", "fire", "flooding", "landslide", "road_blocked"]
    categories += ["lifelines", "trapped", "other"]
    return pd.DataFrame(
        {
            "id": np.arange(1, count + 1) * 3,
            "lat": rng.uniform(34.60, 34.72, count),
            "lon": rng.uniform(135.40, 135.58, count),
            "category": rng.choice(categories, count),
            "severity": rng.integers(1, 5, count),
            "review_state": rng.choice(["new", "confirmed"], count),
            "description": [f"報告{i}：道路に亀裂" for i in range(count)],
            "dead": 0,
            "injured": 0,
            "missing": 0,
            "trapped": 0,
            "reported_at": pd.Series(
                [NOW - timedelta(minutes=int(m)) for m in rng.integers(0, 600, count)]
            ),
            "ward_code": rng.choice([f"{27102 + i}" for i in range(24)], count),
        }
    )


def extract_payload(html: str) -> dict:
    """The data object a rendered map hands to the browser code."""
    found = _PAYLOAD.findall(html)
    assert len(found) == 1, "expected exactly one situation layer in the page"
    return json.loads(found[0])
