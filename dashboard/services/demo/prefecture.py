"""The governor's demo: more municipalities of the prefecture, each with a schematic boundary,
fictional shelters and damage reports, and a head account; a demo disaster whose 第N報 every
municipality has issued but one, which is late.

Boundaries are generated (a rounded square around one real point per municipality, clear of
the demo city): real ones replace them with ``import-boundaries``, like the city's wards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, select

import geo
from dashboard import demo_city
from dashboard.domain import Level, ShelterState
from dashboard.services import modes, sitreports
from dashboard.services.accounts import actor_for
from dashboard.storage.db import reading
from dashboard.storage.models import DamageReport, Shelter, ShelterStatus, User

# Half the width of a schematic municipality, in degrees (about 3 km).
HALF_WIDTH = 0.03
# Per municipality: shelters (the first ones opened) and damage reports.
SHELTERS_EACH, OPEN_EACH, REPORTS_EACH = 6, 3, 4
# The demo disaster: started this long ago, a report due every REPORT_EVERY_HOURS hours, so
# that the one that has not reported is late (its 第1報 was due two hours ago).
DISASTER_NAME = "令和8年台風第10号（デモ）"
DISASTER_HOURS_AGO, REPORT_EVERY_HOURS = 5, 3


def municipality_areas(city_shape: BaseGeometry) -> gpd.GeoDataFrame:
    """The demo's extra municipalities (EPSG:4326), each a shape around its point that keeps
    clear of the demo city's wards and of the municipalities before it."""
    rows, taken = [], city_shape
    for code, name_ja, name_en, lat, lon, _ in demo_city.MUNICIPALITIES:
        shape = Point(lon, lat).buffer(HALF_WIDTH, cap_style="square").buffer(0.004)
        shape = shape.difference(taken)  # neighbours never overlap
        taken = taken.union(shape)
        rows.append(
            {
                "code": code,
                "parent_code": demo_city.PREFECTURE[0],
                "level": Level.MUNICIPALITY.value,
                "name_ja": name_ja,
                "name_en": name_en,
                "geometry": shape,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def municipality_records(
    areas: gpd.GeoDataFrame, rng: np.random.Generator, now: datetime
) -> list[object]:
    """Shelters (some opened) and damage reports of each extra municipality."""
    records: list[object] = []
    for area in areas.itertuples(index=False):
        short = area.name_ja.removesuffix("市")
        lats, lons = geo.random_points_in(area.geometry, SHELTERS_EACH + REPORTS_EACH, rng)
        points = list(zip(lats, lons, strict=True))
        for n, (lat, lon) in enumerate(points[:SHELTERS_EACH], start=1):
            shelter = Shelter(
                external_id=f"demo-{area.code}-{n:04d}",
                name=f"{short}第{n}小学校",
                address=f"{area.name_ja}（デモ）",
                lat=round(float(lat), 6),
                lon=round(float(lon), 6),
                ward_code=area.code,
                capacity=int(rng.integers(300, 900) // 10 * 10),
                kind="designated",
                hazards=["flood", "earthquake"],
            )
            records.append(shelter)
            if n <= OPEN_EACH:
                evacuees = int(shelter.capacity * float(rng.beta(2, 3)))
                records.append(
                    ShelterStatus(
                        submission_id=f"demo-{area.code}-status-{n}",
                        shelter=shelter,
                        state=ShelterState.OPEN.value,
                        evacuees=evacuees,
                        households=evacuees // 2,
                        needs=[],
                        reported_at=now - timedelta(minutes=int(rng.integers(5, 180))),
                    )
                )
        for i, (lat, lon) in enumerate(points[SHELTERS_EACH:], start=1):
            records.append(
                DamageReport(
                    submission_id=f"demo-{area.code}-report-{i}",
                    lat=round(float(lat), 6),
                    lon=round(float(lon), 6),
                    ward_code=area.code,
                    reporter_ward_code=area.code,
                    category=str(rng.choice(["flooding", "road_blocked", "landslide"])),
                    severity=int(rng.choice([1, 2, 3])),
                    description=f"デモ報告（{area.name_ja}・架空）",
                    review_state="new",
                    reported_at=now - timedelta(minutes=int(rng.integers(5, 240))),
                )
            )
    return records


def seed_demo_disaster(engine: Engine, *, now: datetime) -> int:
    """The demo disaster over the prefecture, its reporting times, and a 第1報 from the city and
    every extra municipality but ``demo_city.LATE_MUNICIPALITY``; returns the disaster's id."""
    with reading(engine) as session:
        users = {u.username: actor_for(u) for u in session.scalars(select(User))}
    governor = users["governor"]
    disaster_id = modes.record_disaster(
        engine,
        governor,
        name=DISASTER_NAME,
        kind="typhoon",
        area_code=demo_city.PREFECTURE[0],
        started_at=now - timedelta(hours=DISASTER_HOURS_AGO),
    )
    modes.set_report_times(engine, governor, disaster_id, every_hours=REPORT_EVERY_HOURS)
    heads = {demo_city.CITY[0]: users["mayor"]}
    heads.update(
        {code: users[f"{prefix}-head"] for code, *_, prefix in demo_city.MUNICIPALITIES}
    )
    for code, head in heads.items():
        if code != demo_city.LATE_MUNICIPALITY:
            sitreports.issue_report(
                engine, head, disaster_id, body_code=code, submission_id=f"demo-sitrep-{code}"
            )
    return disaster_id
