"""A scripted typhoon for the situation-report tests: two municipalities (the demo city with its
wards, and a town without wards), reports, a duplicate, tallies and shelter updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dashboard.domain import Role
from dashboard.services import damage, modes, shelters, sitreports
from dashboard.services.accounts import actor_for
from dashboard.storage.db import transaction
from dashboard.storage.models import DamageReport, Jurisdiction, utcnow
from tests.factories import CHUO_POINT, KITA_POINT, PREF, make_user

TOWN = "27141"  # a municipality without wards


@dataclass
class Typhoon:
    disaster_id: int
    t0: datetime

    def at(self, minutes: int) -> datetime:
        return self.t0 + timedelta(minutes=minutes)


def add_town(city) -> None:
    """A second municipality (no wards) and its mayor."""
    with transaction(city.engine) as s:
        s.add(Jurisdiction(code=TOWN, parent_code=PREF, level="municipality", name_ja="岸和田町"))
        s.flush()
        city.actors["town_mayor"] = actor_for(make_user(s, "town_mayor", Role.MAYOR, TOWN))


def report(city, actor, sid: str, at: datetime, point=KITA_POINT, **counts) -> int:
    detail = {k: str(v) for k, v in counts.items() if k in damage.DETAIL_FIELDS}
    draft = damage.draft_from_form(
        coordinates=f"{point[0]}, {point[1]}",
        category=counts.pop("category", "building_collapse"),
        severity=3,
        counts={k: str(counts.get(k, 0)) for k in damage.COUNT_FIELDS},
        housing_class=counts.get("housing_class"),
        detail=detail,
    )
    return damage.submit_report(city.engine, actor, draft, submission_id=sid, at=at)


def town_report(city, at: datetime, **values) -> None:
    """The town has no boundary, so its reports are stored as a town's phone would send them."""
    with transaction(city.engine) as s:
        s.add(
            DamageReport(
                submission_id=f"town-{at.isoformat()}",
                lat=34.46,
                lon=135.37,
                ward_code=TOWN,
                category="flooding",
                severity=2,
                reported_at=at,
                **values,
            )
        )


def start_typhoon(city, *, hours_ago: float = 5, every_hours: int | None = 3) -> Typhoon:
    t0 = utcnow() - timedelta(hours=hours_ago)
    disaster_id = modes.record_disaster(
        city.engine,
        city.governor,
        name="令和8年台風第10号",
        kind="typhoon",
        area_code=PREF,
        started_at=t0,
    )
    if every_hours:
        modes.set_report_times(city.engine, city.governor, disaster_id, every_hours=every_hours)
    return Typhoon(disaster_id, t0)


def first_hour(city, ty: Typhoon) -> dict[str, int]:
    """Up to T0+1h: 北区 two reports (one a duplicate), a report from before the typhoon, 中央区
    an older-style report; shelters; 北区 tallies; 北区 head confirms at T0+55m."""
    ids = {}
    report(city, city.kita_staff, "before", ty.at(-60), dead=7)  # before the disaster: left out
    ids["a"] = report(
        city,
        city.kita_staff,
        "a",
        ty.at(10),
        dead=1,
        injured=3,
        injured_serious=1,
        injured_minor=2,
        housing_class="total_collapse",
        housing_buildings=2,
        housing_households=2,
        housing_persons=5,
    )
    ids["b"] = report(city, city.kita_head, "b", ty.at(20), dead=1, injured=3)  # the same again
    ids["c"] = report(
        city,
        city.chuo_staff,
        "c",
        ty.at(30),
        point=CHUO_POINT,
        category="flooding",
        injured=2,
        housing_class="flood_above",
        housing_buildings=4,
        housing_households=4,
        housing_persons=9,
    )
    damage.review_report(
        city.engine, city.admin, ids["b"], action="duplicate", duplicate_of=ids["a"]
    )
    for key, sid, state, evacuees, households, minute in (
        ("kita1", "s1", "open", 120, 50, 40),
        ("kita2", "s2", "preparing", 0, None, 41),
        ("chuo1", "s3", "open", 80, 35, 42),
    ):
        shelters.record_status(
            city.engine,
            city.kita_head if key.startswith("kita") else city.admin,
            shelter_id=city.shelters[key],
            submission_id=sid,
            state=state,
            evacuees=evacuees,
            households=households,
            at=ty.at(minute),
        )
    sitreports.enter_tallies(
        city.engine,
        city.kita_head,
        ty.disaster_id,
        "27127",
        {"water": 1200, "roads": 3},
        at=ty.at(50),
    )
    sitreports.confirm_ward(city.engine, city.kita_head, ty.disaster_id, "27127", at=ty.at(55))
    return ids


# The town's public-facility and other damage costs (千円) in town_typhoon_report.
TOWN_COSTS = {
    "cost_public_schools": 0,
    "cost_agri_facilities": 3000,
    "cost_public_works": 12000,
    "cost_other_public": 500,
    "cost_agriculture": 800,
    "cost_forestry": 0,
    "cost_livestock": 0,
    "cost_fishery": 0,
    "cost_commerce": 1500,
    "cost_other": 200,
}


def town_typhoon_report(city):
    """The town (no wards) after a typhoon: five reports, tallies, a 第2非常配備, confirmed by
    its mayor, issued as its 第1報 (その2). The figures the form must show are worked out by
    hand in test_sitreport_outputs."""
    from dashboard.services import disaster

    add_town(city)
    ty = start_typhoon(city)
    disaster.declare_disaster(
        city.engine, city.town_mayor, submission_id="hq", level=3, scope_code=TOWN
    )
    town_report(city, ty.at(10), dead=2, injured=3, injured_serious=1, injured_minor=2)
    for minute, housing_class, counts in (
        (20, "half_collapse", (4, 4, 10)),
        (21, "large_half", (2, 2, 5)),
        (22, "total_collapse", (1, 1, 3)),
        (23, "flood_below", (6, 6, 15)),
    ):
        buildings, households, persons = counts
        town_report(
            city,
            ty.at(minute),
            housing_class=housing_class,
            housing_buildings=buildings,
            housing_households=households,
            housing_persons=persons,
        )
    sitreports.enter_tallies(
        city.engine,
        city.town_mayor,
        ty.disaster_id,
        TOWN,
        {**TOWN_COSTS, "roads": 3, "fire_staff": 40, "fire_corps": 120, "relief_act_bodies": 1},
        at=ty.at(30),
    )
    sitreports.confirm_ward(city.engine, city.town_mayor, ty.disaster_id, TOWN, at=ty.at(40))
    report_id = sitreports.issue_report(
        city.engine,
        city.town_mayor,
        ty.disaster_id,
        body_code=TOWN,
        submission_id="t1",
        remarks={
            "place": "岸和田町全域",
            "evacuation_orders": "全域に避難指示 <script>",
            "relief_act": "岸和田町（9月1日 12時00分 適用）",
            "other": "=HYPERLINK(1)",
        },
    )
    return sitreports.get_report(city.engine, city.town_mayor, report_id)
