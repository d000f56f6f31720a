"""The first thirty minutes on the HQ pages (AppTest): the report being edited never switches to
another disaster's report while a remark is typed; a disaster registered by hand gets a start
time and a same-name check; the declaration prompt and the first report's countdown show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dashboard.clock import utcnow
from dashboard.services import disaster, first30, modes, rollcall, sitreports
from dashboard.storage.db import make_engine
from tests import factories
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.services import jma_telegrams
from tests.dashboard.services.sitreport_factories import add_town, start_typhoon
from tests.factories import CITY


@pytest.fixture
def city(app_env):
    engine = make_engine(app_env)
    city = factories.make_city(engine)
    add_town(city)
    yield city
    engine.dispose()


def remark_area(at, disaster_id: int, number: int):
    """The first text item of the report being edited (その1's 概況 for a first report)."""
    prefix = f"sitrep:{disaster_id}:{CITY}:{number}:"
    return next(a for a in at.text_area if a.key and a.key.startswith(prefix))


def test_a_new_disaster_does_not_switch_the_report_being_edited(city):
    typhoon = start_typhoon(city)
    at = open_page("sitreports.py", city.mayor)
    remark_area(at, typhoon.disaster_id, 1).input("北区で停電復旧作業中").run()
    # Meanwhile another disaster is registered (by a colleague, or from a JMA telegram).
    other = modes.record_disaster(
        city.engine, city.admin, name="大雨", kind="heavy_rain", area_code=CITY
    )
    at.run()
    assert not at.exception
    assert at.selectbox(key="sitrep.disaster").value == typhoon.disaster_id
    assert remark_area(at, typhoon.disaster_id, 1).value == "北区で停電復旧作業中"
    at.button(key=f"sitrep.issue.{typhoon.disaster_id}.1").click().run()
    assert not at.exception
    mine = sitreports.list_reports(city.engine, city.mayor, typhoon.disaster_id)
    assert [r.number for r in mine] == [1]
    assert sitreports.list_reports(city.engine, city.mayor, other) == []
    report = sitreports.get_report(city.engine, city.mayor, mine[0].id)
    assert "北区で停電復旧作業中" in report.remarks.values()


def quake(city, *, status: str = "通常"):
    """A 震度速報 of 6弱 in 大阪府北部 received one minute ago."""
    now = utcnow()
    telegram = rollcall.parse_telegram(
        jma_telegrams.telegram(
            status=status,
            origin=now - timedelta(minutes=3),
            reported=now - timedelta(minutes=1),
            areas={jma_telegrams.OSAKA_NORTH: "6-"},
        )
    )
    return rollcall.handle_telegram(
        city.engine, telegram, areas=[CITY], accept_drills=True, lang="ja", now=now
    )


def test_the_crisis_office_declares_in_one_click_and_sees_the_countdown(city):
    outcome = quake(city)
    at = open_page("disaster_mode.py", city.admin)
    warnings = [w.value for w in at.warning]
    name = "大阪府北部の地震（最大震度6弱）"
    assert any("第3非常配備" in w and name in w for w in warnings), warnings
    assert any("大阪市：第1報の期限" in i.value and "残り" in i.value for i in at.info)
    assert any("直接即報" in c.value for c in at.caption)
    assert disaster.list_declarations(city.engine, city.admin) == []  # nothing by itself
    key = f"mode_declare_{outcome.event_row}_{CITY}_4"
    at.button(key=key).click().run()
    assert not at.exception
    (declared,) = disaster.list_declarations(city.engine, city.admin)
    assert (declared.level, declared.scope_code) == (4, CITY)
    assert not any("で災害モードを宣言しますか" in w.value for w in at.warning)
    mayor = open_page("disaster_mode.py", city.mayor)
    assert not any("で災害モードを宣言しますか" in w.value for w in mayor.warning)


def test_the_mayor_is_prompted_and_the_governor_sees_the_countdown_on_the_map(city):
    quake(city)
    mayor = open_page("disaster_mode.py", city.mayor)
    assert any("で災害モードを宣言しますか" in w.value for w in mayor.warning)
    gov = open_page("map.py", city.governor)
    assert any("大阪市：第1報の期限" in i.value for i in gov.info)


PROMPT = "で災害モードを宣言しますか"


def test_the_mayor_declares_in_one_click_from_the_mayors_own_pages(city):
    """A 通常 telegram gives the wards no banner until a person declares: the prompt reaches the
    mayor on every page the mayor works from (disaster mode, 第N報, roll-call), the mayor's click
    declares, and the crisis office's prompt then goes too."""
    outcome = quake(city)
    key = f"{outcome.event_row}_{CITY}_4"
    for page, where in (("disaster_mode.py", "mode"), ("rollcall.py", "rollcall")):
        at = open_page(page, city.mayor)
        assert any(PROMPT in w.value for w in at.warning), page
        assert at.button(key=f"{where}_declare_{key}").label == "第3非常配備で宣言する"
    assert modes.mode_for(city.engine, city.kita_staff).declarations == ()  # no ward banner
    at = open_page("sitreports.py", city.mayor)
    assert any(PROMPT in w.value for w in at.warning)
    at.button(key=f"sitrep_declare_{key}").click().run()
    assert not at.exception
    (declared,) = disaster.list_declarations(city.engine, city.mayor)
    assert (declared.level, declared.scope_code) == (4, CITY)
    assert not any(PROMPT in w.value for w in at.warning)
    office = open_page("disaster_mode.py", city.admin)
    assert not any(PROMPT in w.value for w in office.warning)
    # The wards' banner (every page's disaster-mode banner) once the mayor has declared.
    assert [d.level for d in modes.mode_for(city.engine, city.kita_staff).declarations] == [4]


def test_a_withdrawal_is_shown_until_acknowledged(city):
    outcome = quake(city)
    now = utcnow()
    withdrawal = rollcall.parse_telegram(jma_telegrams.telegram(info_type="取消"))
    rollcall.handle_telegram(
        city.engine, withdrawal, areas=[CITY], accept_drills=False, lang="ja", now=now
    )
    at = open_page("rollcall.py", city.admin)
    assert any("取り消しました" in e.value for e in at.error)
    at.button(key=f"rollcall_ack_{outcome.event_row}").click().run()
    assert not at.exception and not any("取り消しました" in e.value for e in at.error)


def test_a_disaster_registered_by_hand_takes_a_start_time_and_confirms_a_twin(city):
    at = open_page("sitreports.py", city.admin)
    form_name = next(ti for ti in at.text_input if ti.label.startswith("災害名"))
    form_name.input("大雨")
    at.date_input(key="sitrep.day").set_value((utcnow() - timedelta(days=1)).date())
    next(b for b in at.button if b.label == "登録する").click().run()
    assert not at.exception
    (first,) = modes.list_disasters(city.engine, city.admin)
    assert first.started_at < utcnow() - timedelta(hours=20)
    next(ti for ti in at.text_input if ti.label.startswith("災害名")).input("大雨")
    next(b for b in at.button if b.label == "登録する").click().run()
    assert any("同じ名前の災害" in w.value for w in at.warning)
    assert len(modes.list_disasters(city.engine, city.admin)) == 1
    at.checkbox(key="sitrep.twin_ok").check()
    next(b for b in at.button if b.label == "登録する").click().run()
    assert len(modes.list_disasters(city.engine, city.admin)) == 2


def test_typing_a_remark_never_switches_to_a_same_named_disaster(city):
    """The bug as reported: two disasters of one name (the second confirmed), the older one
    chosen, a remark typed — the page switched to the other one and issued its report."""
    start = utcnow() - timedelta(hours=1)
    first = modes.record_disaster(
        city.engine, city.admin, name="地震", kind="earthquake", area_code=CITY, started_at=start
    )
    twin = modes.record_disaster(
        city.engine,
        city.admin,
        name="地震",
        kind="earthquake",
        area_code=CITY,
        started_at=start,
        same_name_confirmed=True,
    )
    sitreports.issue_report(city.engine, city.mayor, twin, body_code=CITY, submission_id="t1")
    at = open_page("sitreports.py", city.mayor)
    labels = at.selectbox(key="sitrep.disaster").options
    assert len(set(labels)) == 2  # told apart: the browser sends the label back
    at.selectbox(key="sitrep.disaster").set_value(first).run()
    assert at.selectbox(key="sitrep.disaster").value == first
    remark_area(at, first, 1).input("北区で停電").run()
    assert at.selectbox(key="sitrep.disaster").value == first
    assert remark_area(at, first, 1).value == "北区で停電"
    at.button(key=f"sitrep.issue.{first}.1").click().run()
    assert not at.exception
    assert [r.number for r in sitreports.list_reports(city.engine, city.mayor, first)] == [1]
    assert [r.number for r in sitreports.list_reports(city.engine, city.mayor, twin)] == [1]


def test_a_drill_started_by_a_telegram_tells_the_hq_how_long_it_has_run(city):
    """A 訓練 telegram puts the install in drill mode until a person ends it: the HQ pages say
    for how long, turning to a warning after four hours; nothing ends it by itself."""
    quake(city, status="訓練")
    (drill,) = modes.list_drills(city.engine)
    at = open_page("sitreports.py", city.admin)
    assert any("続いています" in i.value and "訓練を終了" in i.value for i in at.info)
    notices = first30.first30_notices(
        city.engine, city.admin, now=drill.started_at + timedelta(hours=4, minutes=5)
    )
    (running,) = [n for n in notices if n.kind == "drill"]
    assert (running.minutes, running.late) == (245, True)
    assert first30.first30_notices(city.engine, city.kita_staff) == []  # HQ only
    assert modes.list_drills(city.engine)[0].ended_at is None
    modes.end_drill(city.engine, city.admin)
    at = open_page("rollcall.py", city.admin)
    assert not any("続いています" in i.value for i in [*at.info, *at.warning])
