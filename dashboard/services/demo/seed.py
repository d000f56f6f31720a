"""Seeding the offline demo city into an empty database."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import geo
from dashboard import demo_city
from dashboard.domain import DAMAGE_CATEGORIES, Hazard, Level, Need, ShelterState
from dashboard.services.accounts import hash_password
from dashboard.services.areas import store_areas
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.demo import prefecture, staff
from dashboard.storage.db import reading, store_once, transaction
from dashboard.storage.models import (
    DamageReport,
    HqUnit,
    Jurisdiction,
    Shelter,
    ShelterStatus,
    StaffMember,
    UnitHolder,
    User,
    utcnow,
)

# Fixed seed: every demo database looks the same, which keeps screenshots and tests stable.
DEMO_SEED = 2026
# How many damage reports the demo city has, spread over the last hours.
DEMO_REPORTS = 48
DEMO_REPORT_HOURS = 6


def demo_areas() -> gpd.GeoDataFrame:
    """The demo hierarchy: prefecture, city and 24 wards with schematic boundaries (EPSG:4326)."""
    points = pd.DataFrame(demo_city.WARDS, columns=["code", "name_ja", "name_en", "lat", "lon"])
    wards = geo.schematic_areas(points)
    wards["parent_code"] = demo_city.CITY[0]
    wards["level"] = Level.WARD.value
    city_shape = wards.geometry.union_all()
    pref_code, pref_ja, pref_en = demo_city.PREFECTURE
    city_code, city_ja, city_en = demo_city.CITY
    upper = gpd.GeoDataFrame(
        [
            # The prefecture has no boundary in the demo: only the city is modelled.
            {
                "code": pref_code,
                "parent_code": None,
                "level": Level.PREFECTURE.value,
                "name_ja": pref_ja,
                "name_en": pref_en,
                "geometry": None,
            },
            {
                "code": city_code,
                "parent_code": pref_code,
                "level": Level.MUNICIPALITY.value,
                "name_ja": city_ja,
                "name_en": city_en,
                "geometry": city_shape,
            },
        ],
        geometry="geometry",
        crs="EPSG:4326",
    )
    columns = ["code", "parent_code", "level", "name_ja", "name_en", "geometry"]
    return pd.concat([upper, wards[columns]], ignore_index=True)


def _demo_shelters(wards: gpd.GeoDataFrame, rng: np.random.Generator) -> list[Shelter]:
    shelters: list[Shelter] = []
    hazards = [h.value for h in Hazard]
    for ward in wards.itertuples(index=False):
        short = ward.name_ja.removesuffix("区")
        for pattern, kind, (low, high), count in demo_city.SHELTER_PATTERNS:
            lats, lons = geo.random_points_in(ward.geometry, count, rng)
            for n, (lat, lon) in enumerate(zip(lats, lons, strict=True), start=1):
                picked = rng.choice(hazards, size=int(rng.integers(2, 6)), replace=False)
                shelters.append(
                    Shelter(
                        external_id=f"demo-{ward.code}-{len(shelters) + 1:04d}",
                        name=pattern.format(ward=short, n=n),
                        address=f"大阪市{ward.name_ja}（デモ）",
                        lat=round(float(lat), 6),
                        lon=round(float(lon), 6),
                        ward_code=ward.code,
                        capacity=int(rng.integers(low, high) // 10 * 10),
                        kind=kind,
                        hazards=sorted(str(h) for h in picked),
                    )
                )
    return shelters


def _demo_statuses(
    shelters: list[Shelter], rng: np.random.Generator, now: datetime
) -> list[ShelterStatus]:
    statuses: list[ShelterStatus] = []
    needs = [n.value for n in Need]
    for shelter in shelters:
        roll = rng.random()
        if roll > 0.45 or shelter.kind == "emergency_site":
            continue  # not opened in the demo scenario
        state = ShelterState.PREPARING if roll < 0.05 else ShelterState.OPEN
        share = float(rng.beta(2, 2.5)) if state == ShelterState.OPEN else 0.0
        if roll < 0.09:
            state, share = ShelterState.FULL, 1.0
        evacuees = int(shelter.capacity * share)
        statuses.append(
            ShelterStatus(
                submission_id=f"demo-{uuid.UUID(int=int(rng.integers(2**63)))}",
                shelter=shelter,
                state=state.value,
                evacuees=evacuees,
                households=evacuees // 2 if evacuees else None,
                needs=sorted(
                    str(n) for n in rng.choice(needs, size=int(rng.integers(0, 3)), replace=False)
                ),
                reported_at=now - timedelta(minutes=int(rng.integers(3, 240))),
            )
        )
    return statuses


def _demo_reports(
    wards: gpd.GeoDataFrame, rng: np.random.Generator, now: datetime
) -> list[DamageReport]:
    categories = list(DAMAGE_CATEGORIES)
    # More damage in the north-west wards of the scenario, so the map is not uniform.
    weights = np.linspace(2.0, 0.5, len(wards))
    picks = rng.choice(len(wards), size=DEMO_REPORTS, p=weights / weights.sum())
    reports = []
    for i, ward_index in enumerate(picks):
        ward = wards.iloc[int(ward_index)]
        (lat,), (lon,) = geo.random_points_in(ward.geometry, 1, rng)
        severity = int(rng.choice([1, 2, 3, 4], p=[0.35, 0.35, 0.2, 0.1]))
        category = str(rng.choice(categories))
        reports.append(
            DamageReport(
                submission_id=f"demo-report-{i}",
                lat=round(float(lat), 6),
                lon=round(float(lon), 6),
                ward_code=ward.code,
                reporter_ward_code=ward.code,
                category=category,
                severity=severity,
                injured=int(rng.poisson(severity - 1)),
                trapped=int(rng.poisson(1)) if category in ("building_collapse", "trapped") else 0,
                description=f"デモ報告 {i + 1}（架空）",
                review_state="confirmed" if rng.random() < 0.4 else "new",
                reported_at=now - timedelta(minutes=int(rng.integers(1, DEMO_REPORT_HOURS * 60))),
            )
        )
    return reports


def _demo_departments(session: Session, wards: gpd.GeoDataFrame) -> int:
    """Osaka City's bureaus as departments beside the wards; every ward and bureau head sits in
    the HQ (本部員)."""
    city = demo_city.CITY[0]
    for code, name_ja, name_en, *_ in demo_city.DEPARTMENTS:
        session.add(
            Jurisdiction(
                code=code,
                parent_code=city,
                level=Level.DEPARTMENT.value,
                name_ja=name_ja,
                name_en=name_en,
            )
        )
    session.flush()
    session.add_all(HqUnit(code=code, hq_member=True, unit_kind="ward") for code in wards["code"])
    session.add_all(
        HqUnit(code=code, hq_member=True, unit_kind=kind)
        for code, _, _, kind, *_ in demo_city.DEPARTMENTS
    )
    return len(demo_city.DEPARTMENTS)


def seed_demo(engine: Engine, *, now: datetime | None = None, disaster: bool = False) -> Counter:
    """Write the demo city into an empty database in one transaction; returns what it wrote.
    ``disaster``: also the demo disaster with its 第1報 (the app and the CLI; tests that enter
    a disaster of their own leave it out)."""
    now = now or utcnow()
    with transaction(engine) as session:
        counts = _seed(session, now)
    if disaster:
        prefecture.seed_demo_disaster(engine, now=now)
        counts["disasters"] = 1
    return counts


def _seed(session: Session, now: datetime) -> Counter:
    rng = np.random.default_rng(DEMO_SEED)
    areas = demo_areas()
    wards = areas[areas["level"] == Level.WARD.value].reset_index(drop=True)
    counts = store_areas(session, areas, schematic=True)
    shelters = _demo_shelters(wards, rng)
    session.add_all(shelters)
    statuses = _demo_statuses(shelters, rng, now)
    session.add_all(statuses)
    reports = _demo_reports(wards, rng, now)
    session.add_all(reports)
    # The governor's demo: more municipalities beside the city, with shelters and reports.
    others = prefecture.municipality_areas(wards.geometry.union_all())
    counts.update(store_areas(session, others, schematic=True))
    session.add_all(prefecture.municipality_records(others, rng, now))
    register = staff.demo_staff(rng)
    session.add_all(register)
    counts["department"] = _demo_departments(session, wards)
    password_hash = hash_password(demo_city.DEMO_PASSWORD)
    users = [
        User(
            username=username,
            display_name=name,
            role=role,
            jurisdiction_code=code,
            password_hash=password_hash,
        )
        for username, name, role, code in demo_city.DEMO_ACCOUNTS
    ]
    session.add_all(users)
    session.flush()
    ids = {u.username: u.id for u in users}
    session.add_all(
        UnitHolder(unit_code=code, rank=rank, user_id=ids[username], valid_from=now)
        for code, usernames in demo_city.DEMO_HOLDERS.items()
        for rank, username in enumerate(usernames)
    )
    counts.update(
        shelters=len(shelters),
        shelter_statuses=len(statuses),
        damage_reports=len(reports),
        users=len(demo_city.DEMO_ACCOUNTS),
        staff=sum(isinstance(row, StaffMember) for row in register),
    )
    record_audit(session, None, AuditAction.DEMO_SEEDED, detail=dict(counts))
    return counts


def is_empty(engine: Engine) -> bool:
    with reading(engine) as session:
        return not _count_areas(session)


def _count_areas(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Jurisdiction)) or 0


def ensure_demo(engine: Engine, *, disaster: bool = False) -> bool:
    """Seed the demo city if the database is empty; True if this call seeded it.

    Two app processes starting together may both try: the loser's transaction fails on the
    primary keys, changes nothing and answers False (``store_once``: the database is not empty).
    """
    if not is_empty(engine):
        return False
    now = utcnow()
    seeded = store_once(
        engine,
        lambda session: False if _count_areas(session) else None,
        lambda session: bool(_seed(session, now)),
    )
    if seeded and disaster:  # the process that seeded the city adds the demo disaster
        prefecture.seed_demo_disaster(engine, now=now)
    return seeded
