"""The command map's read side: frames, filters, key figures, ward detail, the governor's overview
and the path from a stored report to the rendered map."""

from __future__ import annotations

import json
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from dashboard.errors import PermissionDenied
from dashboard.i18n import TEXTS
from dashboard.maps import build_command_map, build_overview_map
from dashboard.maps.texts import make_translate
from dashboard.services import areas, command_map, damage, modes, shelters
from dashboard.services.command_map import MapFilters
from dashboard.services.command_map.cache import EngineCache
from dashboard.services.damage import ReportDraft
from dashboard.services.situation import ward_situations
from dashboard.settings import Settings
from dashboard.storage.db import transaction
from dashboard.storage.models import (
    DamageReport,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    utcnow,
)
from dashboard.ui.situation_map import figure_cells
from tests.factories import CHUO, CHUO_POINT, CITY, KITA, KITA_POINT, PREF

XSS = "<img src=x onerror=alert(1)>"
SETTINGS = Settings(silent_after_minutes=30)
PAYLOAD = re.compile(r"DisasterMap\.draw\(\w+, (.+)\);")
t_ja = make_translate("ja")


def add_report(engine, *, ward=KITA, point=KITA_POINT, minutes_ago=10, **fields):
    """A damage report written as a row, with its time under the test's control."""
    values = {
        "category": "fire",
        "severity": 2,
        "review_state": "new",
        "description": "道路に亀裂",
        **fields,
    }
    with transaction(engine) as s:
        report = DamageReport(
            submission_id=uuid.uuid4().hex,
            lat=point[0],
            lon=point[1],
            ward_code=ward,
            reporter_ward_code=ward,
            reported_at=utcnow() - timedelta(minutes=minutes_ago),
            **values,
        )
        s.add(report)
        s.flush()
        return report.id


def view(city, actor=None, **kwargs):
    kwargs.setdefault("settings", SETTINGS)
    return command_map.command_view(city.engine, actor or city.mayor, **kwargs)


def payload_of(m) -> dict:
    found = PAYLOAD.findall(m.get_root().render())
    assert len(found) == 1
    return json.loads(found[0])


def test_the_mayor_sees_24_ward_polygons_coloured_by_level(city):
    add_report(city.engine, severity=3, trapped=1)
    add_report(city.engine, ward=CHUO, point=CHUO_POINT, severity=2)
    v = view(city)

    assert len(v.areas) == 24 and v.areas["code"].is_unique
    assert set(v.areas.geom_type) <= {"Polygon", "MultiPolygon"}
    levels = dict(zip(v.areas["code"], v.areas["level"], strict=True))
    assert (levels[KITA], levels[CHUO]) == (4, 2)
    assert sum(levels.values()) == 6
    assert v.areas.set_index("code").loc[KITA, "name"] == "北区"
    assert view(city, lang="en").areas.set_index("code").loc[KITA, "name"] == "Kita"
    assert len(v.reports) == 2 and len(v.shelters) == 3

    data = payload_of(build_command_map(v.areas, v.shelters, v.reports, t=t_ja, now=utcnow()))
    assert len(data["areas"]["features"]) == 24
    assert data["reports"]["n"] == 2 and data["shelters"]["n"] == 3


def test_levels_and_silence_agree_with_ward_situations(city):
    engine, now = city.engine, utcnow()
    add_report(engine, severity=4, minutes_ago=50)
    add_report(engine, severity=3, injured=12, minutes_ago=5)
    add_report(engine, severity=4, review_state="resolved")
    add_report(engine, ward=CHUO, point=CHUO_POINT, severity=1, minutes_ago=200)
    shelters.record_status(
        engine,
        city.kita_staff,
        shelter_id=city.shelters["kita2"],
        submission_id="s1",
        state="open",
        evacuees=450,
    )
    with transaction(engine) as s:
        s.add(DisasterDeclaration(level=3, scope_code=CITY, declared_at=now - timedelta(hours=2)))
    for window in ("all", "1h"):
        since = MapFilters(window=window).since(now)
        expected = ward_situations(engine, city.mayor, now=now, since=since, settings=SETTINGS)
        got = view(city, filters=MapFilters(window=window), now=now).areas.set_index("code")
        assert len(got) == len(expected) == 24
        for code, situation in expected.items():
            row = got.loc[code]
            assert (row["level"], bool(row["silent"]), row["reports"]) == (
                situation.level,
                situation.silent,
                situation.reports,
            ), (window, code)
            assert row["evacuees"] == situation.evacuees
            last = row["last_report_at"]
            assert (None if last is None or last != last else last) == situation.last_report_at
    # Kita reported; Chuo's last report is older than the declaration: silent.
    got = view(city, now=now).areas.set_index("code")
    assert not got.loc[KITA, "silent"] and got.loc[CHUO, "silent"]
    # The directive form's suggestions read the same from the cache, per actor's scope.
    for who in (city.mayor, city.kita_staff):
        assert command_map.scope_situations(
            engine, who, now=now, settings=SETTINGS
        ) == ward_situations(engine, who, now=now, settings=SETTINGS)
    assert list(command_map.scope_situations(engine, city.kita_staff, now=now)) == [KITA]


def test_filters_narrow_the_reports(city):
    engine = city.engine
    fire = add_report(engine, category="fire", severity=4, minutes_ago=30)
    add_report(engine, category="flooding", severity=1, minutes_ago=30)
    old = add_report(engine, category="fire", severity=2, minutes_ago=300)
    resolved = add_report(engine, category="fire", severity=3, review_state="resolved")
    chuo = add_report(engine, ward=CHUO, point=CHUO_POINT, category="fire", severity=4)

    def ids(**filters) -> set[int]:
        return set(view(city, filters=MapFilters(**filters)).reports["id"])

    assert resolved not in ids()  # resolved reports are hidden by default
    assert ids(window="1h", categories=("fire",)) == {fire, chuo}
    assert ids(severities=(4,)) == {fire, chuo}
    assert old in ids(window="6h") and old not in ids(window="3h")
    assert ids(review_states=("resolved",)) == {resolved}
    assert ids(ward_code=CHUO) == {chuo}
    assert ids(categories=("landslide",)) == set()


def test_shelter_search_ignores_width_and_case(city):
    v = view(city, filters=MapFilters(shelter_search="北第１"))
    assert sorted(v.matches["name"]) == ["北第1小学校"]
    assert list(v.shelters["name"]) == ["北第1小学校"]  # the map shows the matches only
    assert len(view(city, filters=MapFilters(shelter_search="中学校")).matches) == 1
    assert view(city, filters=MapFilters(shelter_search="  ")).matches is None
    assert view(city, filters=MapFilters(shelter_search="存在しない")).matches.empty


def test_key_figures_sum_up_the_city(city):
    engine, now = city.engine, utcnow()
    add_report(engine, severity=4, dead=1, injured=2)
    add_report(engine, severity=4, trapped=3)
    add_report(engine, severity=1, missing=1)
    add_report(engine, severity=3, dead=5, review_state="duplicate")  # not counted twice
    for key, state, evacuees in (("kita1", "open", 150), ("kita2", "full", 500)):
        shelters.record_status(
            engine,
            city.kita_staff,
            shelter_id=city.shelters[key],
            submission_id=key,
            state=state,
            evacuees=evacuees,
        )
    calm = view(city, now=now).figures
    assert not calm.disaster and calm.declared_at is None and calm.areas_silent == 0
    with transaction(engine) as s:
        s.add(DisasterDeclaration(level=2, scope_code=CITY, declared_at=now - timedelta(hours=1)))

    f = view(city, now=now).figures
    assert (f.shelters_open, f.shelters_full) == (1, 1)
    assert (f.evacuees, f.capacity) == (650, 700)
    assert f.reports_by_severity == {4: 2, 3: 0, 2: 0, 1: 1} and f.reports == 3
    assert (f.dead, f.injured, f.missing, f.trapped) == (1, 2, 1, 3)
    assert (f.areas, f.areas_reporting, f.areas_silent) == (24, 1, 23)
    assert f.disaster and f.disaster_level == 2
    assert now - f.declared_at == timedelta(hours=1)
    assert f.drill_name is None

    cells = figure_cells(f, now=now + timedelta(minutes=5), silent_after_minutes=30)
    assert [c.value for c in cells] == ["2", "650", "3", "3", "1 / 24", ""]
    assert cells[1].note_params == {"capacity": "700", "percent": 93}
    assert cells[4].alert and cells[4].note_params == {"silent": 23, "minutes": 30}
    assert cells[5].value_key == "situation.disaster.on"
    assert (cells[5].note_params["hours"], cells[5].note_params["minutes"]) == (1, 5)
    keys = {k for c in cells for k in (c.label_key, c.value_key, c.note_key) if k}
    assert keys <= set(TEXTS)


def test_ward_detail_lists_shelters_reports_and_open_directives(city):
    engine, now = city.engine, utcnow()
    add_report(engine, category="fire", severity=3, injured=2, minutes_ago=5)
    add_report(engine, category="fire", severity=2, minutes_ago=8)
    add_report(engine, category="trapped", severity=4, trapped=1, minutes_ago=9)
    add_report(engine, category="flooding", review_state="resolved")
    shelters.record_status(
        engine,
        city.kita_staff,
        shelter_id=city.shelters["kita2"],
        submission_id="s",
        state="full",
        evacuees=500,
    )
    with transaction(engine) as s:
        for title, acknowledged, exercise in (
            ("避難所の開設状況を報告せよ", None, False),
            ("済んだ指示", now, False),
            ("訓練の指示", None, True),
        ):
            directive = Directive(
                submission_id=uuid.uuid4().hex,
                title=title,
                scope_code=CITY,
                issued_at=now - timedelta(minutes=20),
                exercise=exercise,
            )
            s.add(directive)
            s.flush()
            s.add(
                DirectiveDelivery(
                    directive_id=directive.id, jurisdiction_code=KITA, acknowledged_at=acknowledged
                )
            )

    d = command_map.ward_detail(engine, city.mayor, KITA, now=now, settings=SETTINGS)
    assert d.name == "北区" and d.situation.level == 4
    assert d.reports_by_category == {"fire": 2, "trapped": 1}
    assert (d.situation.injured, d.situation.trapped) == (2, 1)
    assert now - d.situation.last_report_at < timedelta(minutes=1)  # the shelter status
    assert list(d.shelters["name"]) == ["北第2中学校", "北第1小学校"]  # full first
    assert list(d.shelters["state"]) == ["full", None]
    assert [p.title for p in d.pending_directives] == ["避難所の開設状況を報告せよ"]
    assert not d.pending_directives[0].read


def test_everything_is_scoped_to_the_actor(city):
    add_report(city.engine)
    add_report(city.engine, ward=CHUO, point=CHUO_POINT)
    own = view(city, city.kita_staff)
    assert list(own.areas["code"]) == [KITA]
    assert set(own.reports["ward_code"]) == {KITA} and set(own.shelters["ward_code"]) == {KITA}
    assert command_map.ward_choices(city.engine, city.kita_staff) == [(KITA, "北区")]
    with pytest.raises(PermissionDenied):
        view(city, city.kita_staff, root=CITY)
    with pytest.raises(PermissionDenied):
        command_map.ward_detail(city.engine, city.kita_staff, CHUO, settings=SETTINGS)
    assert len(command_map.ward_choices(city.engine, city.viewer)) == 24


def test_a_drill_shows_only_drill_data(city):
    engine = city.engine
    real = add_report(engine)
    before = view(city).key
    modes.start_drill(engine, city.admin, name="総合防災訓練")
    drill_report = damage.submit_report(
        engine,
        city.kita_staff,
        ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=4),
        submission_id="drill-1",
    )
    during = view(city)
    assert list(during.reports["id"]) == [drill_report]
    assert during.figures.drill_name == "総合防災訓練"
    assert during.key != before
    modes.end_drill(engine, city.admin)
    assert list(view(city).reports["id"]) == [real]


def test_a_refresh_without_new_data_gives_the_same_map_and_new_data_a_new_one(city):
    engine = city.engine
    first = add_report(engine, severity=2)
    now = utcnow()
    a, b = view(city, now=now), view(city, now=now + timedelta(seconds=15))
    assert a.key == b.key
    assert b.reports is not a.reports  # filtered afresh, from the same cached frame

    second = damage.submit_report(
        engine,
        city.kita_staff,
        ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=3),
        submission_id="second",
    )
    c = view(city, now=now)
    assert c.key != b.key and list(c.reports["id"]) == [first, second]
    # A review changes a report in place: the cached frame follows it.
    damage.review_report(engine, city.admin, first, action="resolve")
    d = view(city, now=now)
    assert list(d.reports["id"]) == [second] and d.key != c.key
    resolved = view(city, now=now, filters=MapFilters(review_states=("resolved",)))
    assert list(resolved.reports["id"]) == [first]


def test_a_report_description_is_escaped_from_the_database_to_the_page(city):
    report_id = damage.submit_report(
        city.engine,
        city.kita_staff,
        ReportDraft(
            lat=KITA_POINT[0],
            lon=KITA_POINT[1],
            category="building_collapse",
            severity=4,
            description=XSS,
        ),
        submission_id="xss",
    )
    v = view(city)
    html = build_command_map(v.areas, v.shelters, v.reports, t=t_ja, now=utcnow())
    page = html.get_root().render()

    assert XSS not in page and "<img" not in page
    data = payload_of(html)
    assert data["reports"]["dv"] == [XSS]  # shown with textContent by the browser
    assert list(v.reports["id"]) == [report_id]


def test_real_osaka_prefecture_for_the_governor(city, osaka_geojson):
    engine = city.engine
    areas.import_boundaries(engine, osaka_geojson)
    leaves = command_map.ward_choices(engine, city.governor)
    assert len(leaves) == 72  # 41 towns and cities + 24 wards of Osaka + 7 of Sakai
    add_report(engine, severity=4, trapped=1)  # 北区, Osaka City
    add_report(engine, ward="27141", point=(34.5733, 135.4831), severity=2)  # 堺市堺区
    add_report(engine, ward="27203", point=(34.7813, 135.4697), severity=1)  # 豊中市

    v = command_map.overview_view(engine, city.governor, settings=SETTINGS)
    assert len(v.areas) == 43  # 41 + the two designated cities, each drawn once
    levels = dict(zip(v.areas["code"], v.areas["level"], strict=True))
    assert (levels["27100"], levels["27140"], levels["27203"]) == (4, 2, 1)
    assert sum(levels.values()) == 7
    assert "27127" not in levels  # wards are inside their city
    assert v.figures.areas == 72 and v.figures.reports == 3
    data = payload_of(build_overview_map(v.areas, t=t_ja, now=utcnow()))
    assert len(data["areas"]["features"]) == 43

    # Drilling into a designated city shows its wards.
    osaka = view(city, city.governor, root="27100")
    sakai = view(city, city.governor, root="27140")
    assert (len(osaka.areas), len(sakai.areas)) == (24, 7)
    assert osaka.root_name == "大阪市" and len(osaka.reports) == 1
    with pytest.raises(PermissionDenied):
        view(city, city.mayor, root="27140")
    assert command_map.has_overview(engine, city.governor)
    assert not command_map.has_overview(engine, city.mayor)
    assert city.governor.jurisdiction_code == PREF


def test_sessions_refreshing_together_compute_a_value_once():
    cache = EngineCache()
    started, release, calls = threading.Event(), threading.Event(), []

    def compute() -> str:
        calls.append(1)
        started.set()
        release.wait(5)
        return "frame"

    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(cache.remember, "key", compute)
        started.wait(5)
        others = [pool.submit(cache.remember, "key", compute) for _ in range(3)]
        release.set()
        results = [first.result(), *(f.result() for f in others)]
    assert results == ["frame"] * 4 and len(calls) == 1
    assert cache.remember("other", lambda: "new") == "new"
