"""The situation-report pages in AppTest: the ward head confirms and enters a tally, the city
issues 第1報 with one click, the governor sees it on the municipalities' table."""

from __future__ import annotations

import pytest

from dashboard.services import areas, sitreports
from dashboard.storage.db import make_engine
from tests import factories
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.pages.test_map_page import map_payload
from tests.dashboard.services.sitreport_factories import add_town, first_hour, start_typhoon
from tests.factories import KITA


@pytest.fixture
def city(app_env):
    engine = make_engine(app_env)
    city = factories.make_city(engine)
    add_town(city)
    yield city
    engine.dispose()


def test_ward_head_confirms_and_enters_tallies(city):
    ty = start_typhoon(city)
    at = open_page("ward_figures.py", city.kita_head)
    assert at.selectbox(key="ward_figures.ward").options == ["北区"]  # never 中央区
    at.button(key="ward.confirm").click().run()
    assert not at.exception
    at.text_input(key=f"sitrep.tally.{KITA}.electricity").input("１５０")
    next(b for b in at.button if b.label == "集計を保存").click().run()
    assert not at.exception
    assert "1項目を保存しました。" in [s.value for s in at.success]
    draft = sitreports.ward_draft(city.engine, city.kita_head, ty.disaster_id, KITA)
    assert draft.figures["electricity"] == [150, "tally"]
    assert draft.status == sitreports.CONFIRMED or draft.status == sitreports.STALE
    assert draft.figures["dead"] == [0, "reports"]  # confirmed, nothing reported: 0


def test_city_issues_with_one_click_and_governor_sees_it(city):
    ty = start_typhoon(city)
    first_hour(city, ty)
    at = open_page("sitreports.py", city.mayor)
    assert any("第1報（案）" in h.value for h in at.subheader)
    at.button(key=f"sitrep.issue.{ty.disaster_id}.1").click().run()
    assert not at.exception
    assert "第1報を発出しました。" in [s.value for s in at.success]
    issued = sitreports.list_reports(city.engine, city.mayor, ty.disaster_id)
    # The first report goes out on その1 (災害概況即報) by default, its texts started for the
    # official (the city, the disaster's start).
    assert [(r.number, r.form) for r in issued] == [(1, sitreports.SUMMARY)]
    first = sitreports.get_report(city.engine, city.mayor, issued[0].id)
    assert first.remarks["place"] == "大阪市" and first.remarks["occurred_at"]
    assert any("第2報（案）" in h.value for h in at.subheader)
    # The next one defaults to その2.
    assert at.radio(key=f"sitrep.form:{ty.disaster_id}:2").value == sitreports.DAMAGE
    at.text_area(key=next(k.key for k in at.text_area if k.key.endswith(":relief_act"))).input(
        "なし"
    ).run()
    at.button(key=f"sitrep.issue.{ty.disaster_id}.2").click().run()
    assert not at.exception
    issued = sitreports.list_reports(city.engine, city.mayor, ty.disaster_id)
    assert [(r.number, r.form) for r in issued] == [(2, "damage"), (1, "summary")]
    gov = open_page("sitreports.py", city.governor)
    board = gov.table[0].value
    row = board.loc["大阪市"]
    assert row["最新報"] == "第2報" and row["遅れ"] == ""
    town = board.loc["岸和田町"]
    assert town["最新報"] == "—" and "報告遅れ" in town["遅れ"]


def test_pages_are_registered_for_the_right_roles(city):
    from dashboard.ui.navigation import PAGES

    roles = {p.file: p.roles for p in PAGES}
    assert (
        city.mayor.role in roles["sitreports.py"] and city.governor.role in roles["sitreports.py"]
    )
    assert city.kita_head.role not in roles["sitreports.py"]
    assert roles["ward_figures.py"] == {city.kita_head.role}


def test_damage_form_takes_the_situation_report_detail(city):
    from sqlalchemy import select

    from dashboard.storage.db import reading
    from dashboard.storage.models import DamageReport
    from tests.dashboard.pages.test_reporting_pages import fill_report, submit_button

    at = open_page("damage.py", city.kita_staff)
    gen = fill_report(at)  # 2 injured
    at.text_input(key=f"damage.{gen}.injured_serious").input("３")
    at.selectbox(key=f"damage.{gen}.housing_class").set_value("flood_above")
    at.text_input(key=f"damage.{gen}.housing_households").input("4")
    submit_button(at).click().run()
    assert "重傷と軽傷の合計が負傷者数（2人）を超えています。" in [e.value for e in at.error]
    at.text_input(key=f"damage.{gen}.injured_serious").input("1").run()
    submit_button(at).click().run()
    assert not at.exception and not at.error
    with reading(city.engine) as s:
        r = s.scalars(select(DamageReport)).one()
    assert (r.injured, r.injured_serious, r.injured_minor) == (2, 1, None)
    assert (r.housing_class, r.housing_households, r.housing_buildings) == ("flood_above", 4, None)


def test_governor_map_flags_late_municipalities(city):
    ty = start_typhoon(city)  # started 5 h ago, every 3 h: both are late until they report
    sitreports.issue_report(
        city.engine, city.mayor, ty.disaster_id, body_code="27100", submission_id="r1"
    )
    at = open_page("map.py", city.governor)
    warnings = [w.value for w in at.warning]
    assert any("報告遅れ：岸和田町（令和8年台風第10号" in w for w in warnings)
    assert not any("大阪市" in w for w in warnings)
    assert sitreports.late_reports(city.engine, city.kita_head) == []  # ward users owe none


def test_governor_map_marks_late_municipalities_on_the_map(city, osaka_geojson):
    areas.import_boundaries(city.engine, osaka_geojson)
    ty = start_typhoon(city)
    sitreports.issue_report(
        city.engine, city.mayor, ty.disaster_id, body_code="27100", submission_id="r1"
    )
    at = open_page("map.py", city.governor)
    assert not at.exception
    features = map_payload(at)["areas"]["features"]
    late = {f["properties"]["code"]: f["properties"].get("late") for f in features}
    assert late["27203"] == 1  # 豊中市 owes 第1報: labelled 「第1報 遅延」 by the map
    assert late["27100"] is None  # 大阪市 reported on time


def test_pages_in_english(city):
    ty = start_typhoon(city)
    first_hour(city, ty)
    at = open_page("sitreports.py", city.mayor, lang="en")
    assert at.title[0].value == "Situation reports"
    assert any("Draft of report no. 1" in h.value for h in at.subheader)
    ward = open_page("ward_figures.py", city.kita_head, lang="en")
    assert "Confirmed" in ward.markdown[0].value or any(
        "Confirmed" in m.value for m in ward.markdown
    )
