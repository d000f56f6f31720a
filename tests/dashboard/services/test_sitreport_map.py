"""A municipality late with its 第N報 is flagged on the governor's overview map (issue 13): its
area in the map's payload carries the number it owes, an on-time one carries nothing. After an
earthquake, one that owes its 第1報 counts down to it on the map (issue 21)."""

from __future__ import annotations

from datetime import timedelta

from dashboard.clock import utcnow
from dashboard.maps import build_overview_map
from dashboard.services import areas, command_map, modes, rollcall, sitreports
from tests.dashboard.services import jma_telegrams
from tests.dashboard.services.sitreport_factories import start_typhoon
from tests.dashboard.services.test_command_map import SETTINGS, payload_of, t_ja
from tests.factories import CITY

TOYONAKA = "27203"


def late_of(view) -> dict[str, int]:
    return {
        f["properties"]["code"]: f["properties"].get("late")
        for f in payload_of(build_overview_map(view.areas, t=t_ja, now=utcnow()))["areas"][
            "features"
        ]
    }


def test_the_governors_map_marks_late_municipalities(city, osaka_geojson):
    engine = city.engine
    areas.import_boundaries(engine, osaka_geojson)
    ty = start_typhoon(city)  # started 5 h ago, reports every 3 h: 第1報 was due 2 h ago
    sitreports.issue_report(engine, city.mayor, ty.disaster_id, body_code=CITY, submission_id="r1")
    sitreports.issue_report(engine, city.mayor, ty.disaster_id, body_code=CITY, submission_id="r2")

    v = command_map.overview_view(engine, city.governor, settings=SETTINGS)
    late = late_of(v)
    assert late[TOYONAKA] == 1  # owes 第1報
    assert late[CITY] is None  # issued on time: no flag
    assert sum(n is not None for n in late.values()) == len(late) - 1

    # The mark is the browser's label text (escaped there), filled from the number alone.
    page = build_overview_map(v.areas, t=t_ja, now=utcnow()).get_root().render()
    assert "第{n}報 遅延" in page and "dm-late" in page

    # The city becomes late when its next reporting time passes: it owes 第3報 then.
    later = ty.at(6 * 60 + 1)
    v = command_map.overview_view(engine, city.governor, settings=SETTINGS, now=later)
    assert late_of(v)[CITY] == 3
    # A replay shows no lateness.
    replay = command_map.overview_view(engine, city.governor, settings=SETTINGS, as_of=ty.at(60))
    assert all(n is None for n in late_of(replay).values())


def first_of(view, now) -> dict[str, int]:
    return {
        f["properties"]["code"]: f["properties"].get("first")
        for f in payload_of(build_overview_map(view.areas, t=t_ja, now=now))["areas"]["features"]
    }


def test_the_governors_map_counts_down_to_each_municipalitys_first_report(city, osaka_geojson):
    """After a quake's 覚知 every municipality that owes its 第1報 carries the minutes left on the
    map (the label 「第1報まで N分」); one that has issued it carries nothing; past the 30
    minutes the countdown gives way to the existing 「第1報 遅延」."""
    engine = city.engine
    areas.import_boundaries(engine, osaka_geojson)
    t0 = utcnow().replace(second=0, microsecond=0)
    telegram = rollcall.parse_telegram(
        jma_telegrams.telegram(
            origin=t0 - timedelta(minutes=1),
            reported=t0,
            areas={jma_telegrams.OSAKA_NORTH: "6-", jma_telegrams.OSAKA_SOUTH: "5-"},
        )
    )
    rollcall.handle_telegram(
        engine, telegram, areas=[CITY, TOYONAKA], accept_drills=False, lang="ja", now=t0
    )
    (quake,) = modes.list_disasters(engine, city.governor)
    at = t0 + timedelta(minutes=12)
    view = command_map.overview_view(engine, city.governor, settings=SETTINGS, now=at)
    first = first_of(view, at)
    assert first[CITY] == 18 and first[TOYONAKA] == 18
    assert late_of(view)[CITY] is None
    page = build_overview_map(view.areas, t=t_ja, now=at).get_root().render()
    assert "第1報まで {n}分" in page and "dm-due" in page

    sitreports.issue_report(
        engine,
        city.mayor,
        quake.id,
        body_code=CITY,
        submission_id="first",
        number=1,
        as_of=at,
        form=sitreports.SUMMARY,
    )
    later = t0 + timedelta(minutes=31)
    view = command_map.overview_view(engine, city.governor, settings=SETTINGS, now=later)
    assert first_of(view, later)[CITY] is None and late_of(view)[CITY] is None
    assert first_of(view, later)[TOYONAKA] is None and late_of(view)[TOYONAKA] == 1
    replay = command_map.overview_view(engine, city.governor, settings=SETTINGS, as_of=at)
    assert all(n is None for n in first_of(replay, at).values())
