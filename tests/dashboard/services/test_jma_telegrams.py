"""JMA telegrams read as JMA means them (気象庁防災情報XML, JMA's layout written for the tests):
Status 通常 / 訓練 / 試験, InfoType 発表 / 訂正 / 取消, one event per EventID with the additional
tier called in on a raise, 震度速報's 細分区域 mapped to municipalities by JMA's table, the
disaster opened as JMA names the quake (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.errors import ValidationFailed
from dashboard.services import first30, rollcall
from dashboard.services.rollcall.jma_areas import seismic_area_of, seismic_areas
from dashboard.services.rollcall.jma_events import handle_telegram
from dashboard.services.rollcall.jma_telegram import parse_telegram
from dashboard.storage.db import reading
from dashboard.storage.models import (
    AuditEntry,
    Disaster,
    Exercise,
    JmaEvent,
    RollCall,
    RollCallRecipient,
)
from tests.dashboard.services.jma_telegrams import OSAKA_NORTH, OSAKA_SOUTH, T0, telegram
from tests.dashboard.services.test_rollcall import STAFF, csv_of
from tests.factories import CITY

NOW = T0 + timedelta(minutes=2)
VXSE53 = "震源・震度に関する情報"


@pytest.fixture
def staffed(city):
    assert rollcall.import_staff(city.engine, city.admin, csv_of(STAFF), dry_run=False).applied
    return city


def act(engine, data: bytes, *, drills: bool = False, now=NOW):
    return handle_telegram(
        engine, parse_telegram(data), areas=[CITY], accept_drills=drills, lang="ja", now=now
    )


def rows(engine, model):
    with reading(engine) as s:
        return list(s.scalars(select(model).order_by(model.id)))


def actions(engine) -> list[str]:
    with reading(engine) as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def recipients(engine, rollcall_id: int) -> int:
    with reading(engine) as s:
        stmt = select(RollCallRecipient.id).where(RollCallRecipient.rollcall_id == rollcall_id)
        return len(s.scalars(stmt).all())


def test_the_correspondence_table_covers_the_country_and_places_osaka_as_jma_does():
    table = seismic_areas()
    assert len(table) > 1800 and {code[:2] for code in table} >= {f"{p:02d}" for p in range(1, 48)}
    assert seismic_area_of("27127") == "520"  # 大阪市北区: 大阪府北部
    assert seismic_area_of("27141") == "521"  # 堺市堺区: 大阪府南部
    assert seismic_area_of("27100") is None  # the designated city as a whole: its wards count


def test_the_parser_reads_jma_layout_with_its_quirks():
    big = telegram(
        title=VXSE53,
        serial="３",
        hypocenter="大阪府北部",
        cities={"2712700": (OSAKA_NORTH, "6-"), "2714100": (OSAKA_SOUTH, "5+")},
        extra_prefs={("28", "兵庫県"): {("550", "兵庫県南東部"): "5-"}},
        stations=400,
    )
    assert len(big) > 50_000
    parsed = parse_telegram(big)
    assert (parsed.status, parsed.info_type, parsed.serial) == ("通常", "発表", 3)
    assert parsed.prefs == {"27": "6-", "28": "5-"} and parsed.max_int == "6-"
    assert parsed.cities == {"2712700": "6-", "2714100": "5+"}
    assert parsed.headline.startswith("18日07時58分")  # full-width digits read
    assert parse_telegram(telegram(areas={OSAKA_NORTH: "4"})).serial is None  # empty Serial
    assert parse_telegram(telegram(info_type="取消")).info_type == "取消"
    for bad in (b"<Report/>", b"not xml", telegram(status="通報")):
        with pytest.raises(ValidationFailed):
            parse_telegram(bad)


def test_a_6_lower_in_the_north_opens_the_disaster_and_calls_everyone_in(staffed):
    outcome = act(staffed.engine, telegram(areas={OSAKA_NORTH: "6-", OSAKA_SOUTH: "4"}))
    assert outcome.intensities == {CITY: "6-"}
    (call,) = rows(staffed.engine, RollCall)
    assert (call.tier, call.exercise, call.scope_code) == (4, False, CITY)
    assert recipients(staffed.engine, call.id) == len(STAFF)
    (disaster,) = rows(staffed.engine, Disaster)
    assert disaster.name == "6月18日07時58分 大阪府北部の地震（最大震度6弱）"
    assert (disaster.kind, disaster.area_code, disaster.exercise) == ("earthquake", CITY, False)
    assert disaster.started_at == T0 and disaster.known_at == NOW
    (event,) = rows(staffed.engine, JmaEvent)
    assert event.disaster_id == disaster.id and outcome.disaster_id == disaster.id


def test_a_5_lower_in_the_south_does_not_call_osaka_city_in(staffed):
    outcome = act(staffed.engine, telegram(areas={OSAKA_SOUTH: "5-", OSAKA_NORTH: "3"}))
    assert outcome.intensities == {CITY: "3"}
    assert rows(staffed.engine, RollCall) == [] and rows(staffed.engine, Disaster) == []


def test_test_telegrams_do_nothing_and_drills_only_when_accepted(staffed):
    test = telegram(areas={OSAKA_NORTH: "6-"}, status="試験")
    assert act(staffed.engine, test).action == "test"
    drill = telegram(areas={OSAKA_NORTH: "6-"}, status="訓練")
    assert act(staffed.engine, drill).action == "ignored"
    assert rows(staffed.engine, RollCall) == [] and rows(staffed.engine, Exercise) == []
    assert actions(staffed.engine)[-2:] == ["jma_telegram.test", "jma_telegram.ignored"]
    outcome = act(staffed.engine, drill, drills=True)
    (call,) = rows(staffed.engine, RollCall)
    assert call.exercise and call.title.startswith("【訓練】") and outcome.exercise
    (exercise,) = rows(staffed.engine, Exercise)  # the drill banner shows on every page
    assert exercise.ended_at is None
    (disaster,) = rows(staffed.engine, Disaster)
    assert disaster.exercise


def test_one_event_per_eventid_and_a_raise_calls_in_only_the_additional_tier(staffed):
    engine = staffed.engine
    first = act(engine, telegram(areas={OSAKA_NORTH: "5-"}))
    (lower,) = rows(engine, RollCall)
    assert lower.tier == 2 and recipients(engine, lower.id) == 3  # K1 K2 C1
    # 震源・震度に関する情報 of the same quake: 北区 6弱 → tiers 3 and 4 only.
    raised = act(
        engine,
        telegram(
            title=VXSE53,
            serial="1",
            hypocenter="大阪府北部",
            cities={"2712700": (OSAKA_NORTH, "6-")},
            reported=T0 + timedelta(minutes=4),
        ),
        now=NOW + timedelta(minutes=2),
    )
    assert raised.event_row == first.event_row and raised.disaster_id == first.disaster_id
    lower, upper = rows(engine, RollCall)
    assert upper.tier == 4 and recipients(engine, upper.id) == 2  # K4 C3, not K1 K2 C1 again
    # The same report again, and a 訂正 at the same intensity: nothing new.
    act(
        engine,
        telegram(
            title=VXSE53,
            serial="2",
            info_type="訂正",
            hypocenter="大阪府北部",
            cities={"2712700": (OSAKA_NORTH, "6-")},
        ),
    )
    assert len(rows(engine, RollCall)) == 2 and len(rows(engine, JmaEvent)) == 1
    (event,) = rows(engine, JmaEvent)
    assert event.name == "6月18日07時58分 大阪府北部の地震（最大震度6弱）"


def test_a_correction_replaces_the_earlier_report(staffed):
    engine = staffed.engine
    act(engine, telegram(areas={OSAKA_NORTH: "4"}))
    assert rows(engine, RollCall) == []
    act(engine, telegram(info_type="訂正", areas={OSAKA_NORTH: "5+"}))
    (event,) = rows(engine, JmaEvent)
    assert event.intensities == {CITY: "5+"} and event.max_int == "5+"
    assert [r.tier for r in rows(engine, RollCall)] == [3]


def test_a_withdrawal_tells_the_crisis_office_and_starts_nothing_new(staffed):
    engine = staffed.engine
    act(engine, telegram(areas={OSAKA_NORTH: "5-"}))
    outcome = act(engine, telegram(info_type="取消"), now=NOW + timedelta(minutes=5))
    assert outcome.action == "withdrawn"
    (event,) = rows(engine, JmaEvent)
    assert event.withdrawn_at == NOW + timedelta(minutes=5)
    (call,) = rows(engine, RollCall)
    assert call.ended_at is None  # a person decides
    act(engine, telegram(title=VXSE53, cities={"2712700": (OSAKA_NORTH, "7")}))
    assert len(rows(engine, RollCall)) == 1
    notices = first30.first30_notices(engine, staffed.admin, now=NOW + timedelta(minutes=6))
    assert [n.kind for n in notices if n.kind == "withdrawn"] == ["withdrawn"]


def test_a_real_quake_during_a_drill_is_real_and_the_crisis_office_is_told(staffed):
    engine = staffed.engine
    act(engine, telegram(areas={OSAKA_NORTH: "5-"}, status="訓練", event_id="drill"), drills=True)
    act(engine, telegram(areas={OSAKA_NORTH: "6-"}))
    drill_call, real_call = rows(engine, RollCall)
    assert drill_call.exercise and not real_call.exercise and real_call.tier == 4
    notices = first30.first30_notices(engine, staffed.admin, now=NOW)
    assert notices[0].kind == "real_in_drill"
    assert notices[0].name == "6月18日07時58分 大阪府北部の地震（最大震度6弱）"
