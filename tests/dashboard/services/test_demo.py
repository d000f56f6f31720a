from datetime import timedelta

import numpy as np
from sqlalchemy import func, select

import geo
from dashboard.demo_city import DEMO_ACCOUNTS, DEMO_PASSWORD, LATE_MUNICIPALITY, MUNICIPALITIES
from dashboard.services import accounts, demo, sitreports
from dashboard.services.accounts import actor_for
from dashboard.services.areas import area_frame
from dashboard.storage.db import reading
from dashboard.storage.models import (
    DamageReport,
    Jurisdiction,
    Shelter,
    StaffMember,
    User,
    utcnow,
)


def test_demo_seed_builds_the_city(engine):
    assert demo.ensure_demo(engine) is True
    assert demo.ensure_demo(engine) is False  # a second start seeds nothing
    with reading(engine) as s:
        wards = area_frame(s, level="ward")
        assert len(wards) == 24
        assert wards["schematic"].all()
        assert {"北区", "中央区", "都島区", "平野区"} <= set(wards["name_ja"])
        assert s.get(Jurisdiction, "27100").parent_code == "27000"
        shelters = s.scalars(select(Shelter)).all()
        assert 300 <= len(shelters) <= 600
        reports = s.scalars(select(DamageReport)).all()
        assert 24 <= len(reports) <= 100
        assert s.scalar(select(func.count()).select_from(User)) == len(DEMO_ACCOUNTS)
    # Every shelter and report lies in the ward (or the other municipality) it is filed under.
    with reading(engine) as s:
        areas = area_frame(s)
    areas = areas[areas["level"].isin(["ward", "municipality"]) & (areas["code"] != "27100")]
    assert set(areas[areas["level"] == "municipality"]["code"]) == {
        code for code, *_ in MUNICIPALITIES
    }
    lat = np.array([x.lat for x in shelters + reports])
    lon = np.array([x.lon for x in shelters + reports])
    assigned = geo.assign_areas(lat, lon, areas.reset_index(drop=True))
    assert list(assigned) == [x.ward_code for x in shelters + reports]
    # Reports are spread over the last hours, not all at one instant.
    times = sorted(r.reported_at for r in reports)
    assert times[-1] - times[0] > timedelta(hours=2) and times[-1] <= utcnow()


def test_the_demo_has_a_staff_register_and_one_municipality_late(engine):
    demo.ensure_demo(engine, disaster=True)
    with reading(engine) as s:
        people = s.scalars(select(StaffMember)).all()
        governor = actor_for(s.scalars(select(User).filter_by(username="governor")).one())
    assert 200 <= len(people) <= 500
    assert {p.tier for p in people} == {1, 2, 3, 4}
    assert {p.unit_code for p in people} >= {"27127", "D00002"}  # wards and bureaus
    (late,) = sitreports.late_reports(engine, governor)
    assert late.body_name == "岸和田市" and late.body_code == LATE_MUNICIPALITY


def test_every_demo_account_can_log_in(engine):
    demo.seed_demo(engine)
    for username, _, role, code in DEMO_ACCOUNTS:
        actor = accounts.authenticate(engine, username, DEMO_PASSWORD)
        assert (actor.role, actor.jurisdiction_code) == (role, code)
