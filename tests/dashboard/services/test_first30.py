"""The first thirty minutes, service level (SQLite and PostgreSQL): a disaster registered by hand
counts what was reported since its start time; a same-name twin is refused unless confirmed; the
6/18 drill on a simulated clock — a 訓練 震度速報 (6弱, 大阪府北部) on a local feed opens a drill
disaster and a drill roll-call, the crisis office sees the declaration prompt and the 30-minute
countdown, staff answer, wards report, the city issues its first report at T0+25 and the governor
sees 大阪市 on time and another municipality late at T0+31; as 通常 the real path runs, as 試験
nothing happens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.clock import utcnow
from dashboard.errors import Conflict, ValidationFailed
from dashboard.services import first30, modes, rollcall, sitreports
from dashboard.storage.db import reading
from dashboard.storage.models import Disaster, Exercise, RollCall
from tests.dashboard.services.jma_telegrams import OSAKA_NORTH, OSAKA_SOUTH, feed, telegram
from tests.dashboard.services.sitreport_factories import TOWN, add_town, report
from tests.dashboard.services.test_rollcall import SECRET, STAFF, answer, csv_of, token_for
from tests.dashboard.services.test_rollcall_jma_feed import Server, jst
from tests.factories import CITY, PREF


@pytest.fixture
def staffed(city):
    assert rollcall.import_staff(city.engine, city.admin, csv_of(STAFF), dry_run=False).applied
    add_town(city)
    return city


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def test_a_start_time_back_in_time_counts_what_was_reported_before_registering(staffed):
    now = utcnow()
    for i in range(3):
        report(staffed, staffed.kita_staff, f"r{i}", now - timedelta(hours=2), dead=2)
    late = modes.record_disaster(
        staffed.engine, staffed.admin, name="地震", kind="earthquake", area_code=CITY
    )
    draft = sitreports.draft_report(staffed.engine, staffed.mayor, late, body_code=CITY)
    assert draft.total["dead"][0] in (None, 0)  # the bug: nothing before "now" counts
    back = modes.record_disaster(
        staffed.engine,
        staffed.admin,
        name="地震（発生時刻から）",
        kind="earthquake",
        area_code=CITY,
        started_at=now - timedelta(hours=3),
    )
    draft = sitreports.draft_report(staffed.engine, staffed.mayor, back, body_code=CITY)
    assert draft.total["dead"][0] == 6


def test_a_same_name_twin_is_refused_unless_confirmed_and_the_future_is_refused(staffed):
    engine, admin = staffed.engine, staffed.admin
    modes.record_disaster(engine, admin, name="大雨", kind="heavy_rain", area_code=CITY)
    with pytest.raises(Conflict):
        modes.record_disaster(engine, admin, name="大雨", kind="heavy_rain", area_code=CITY)
    modes.record_disaster(
        engine, admin, name="大雨", kind="heavy_rain", area_code=CITY, same_name_confirmed=True
    )
    with pytest.raises(ValidationFailed):
        modes.record_disaster(
            engine,
            admin,
            name="未来",
            kind="other",
            area_code=CITY,
            started_at=utcnow() + timedelta(hours=1),
        )
    assert len(modes.list_disasters(engine, admin)) == 2


def settings_for(url, **kw):
    from dashboard.settings import Settings

    return Settings(
        secret_key=SECRET,
        jma_feed_url=url,
        jma_allowed_hosts=["127.0.0.1"],
        jma_area_codes=[CITY, TOWN],
        **kw,
    )


def serve(server, t0, status: str, event: str) -> str:
    """震度速報: 6弱 in 大阪府北部 (大阪市), 5弱 in 大阪府南部 (the test's town, JIS 27141)."""
    server.routes[f"/{event}.xml"] = (
        telegram(
            status=status,
            event_id=event,
            origin=t0 - timedelta(minutes=1),
            reported=t0,
            areas={OSAKA_NORTH: "6-", OSAKA_SOUTH: "5-"},
        ),
        0,
    )
    server.routes["/eqvol.xml"] = (feed(server.base, [("震度速報", f"/{event}.xml", jst(t0))]), 0)
    return server.base + "/eqvol.xml"


def test_the_6_18_drill_runs_the_first_thirty_minutes(staffed, server):
    engine, admin, mayor, governor = staffed.engine, staffed.admin, staffed.mayor, staffed.governor
    t0 = utcnow().replace(microsecond=0)
    url = serve(server, t0, "訓練", "20260618075800")
    rollcall.poll_jma_feed(engine, settings=settings_for(url, jma_accept_drills=True), now=t0)
    with reading(engine) as s:
        (drill,) = s.scalars(select(Exercise)).all()
        call, town_call = s.scalars(select(RollCall).order_by(RollCall.id)).all()
        (quake,) = s.scalars(select(Disaster)).all()
    assert drill.ended_at is None and call.exercise and call.tier == 4
    assert (town_call.scope_code, town_call.tier, quake.area_code) == (TOWN, 2, PREF)
    assert (
        quake.exercise and quake.known_at == t0 and "大阪府北部の地震（最大震度6弱）" in quake.name
    )
    notices = first30.first30_notices(engine, admin, now=t0 + timedelta(minutes=1))
    kinds = [(n.kind, n.area_code) for n in notices]
    assert ("declare", CITY) in kinds and ("countdown", CITY) in kinds
    countdown = next(n for n in notices if n.kind == "countdown" and n.area_code == CITY)
    assert countdown.minutes == 29 and not countdown.late and countdown.direct_fdma
    assert [n.kind for n in first30.first30_notices(engine, mayor, now=t0)].count("declare") == 1
    # Staff answer on their phones; a ward reports damage.
    for number in ("K1", "K4"):
        token = token_for(engine, call.id, number, now=t0)
        answer(engine, token, number, attendance="arrived", now=t0 + timedelta(minutes=5))
    report(staffed, staffed.kita_staff, "drill-1", t0 + timedelta(minutes=10), injured=3)
    # T0+25: the city issues its first report on その1 (災害概況即報, issue 22).
    sitreports.issue_report(
        engine,
        mayor,
        quake.id,
        body_code=CITY,
        submission_id="first",
        number=1,
        as_of=t0 + timedelta(minutes=25),
        form=sitreports.SUMMARY,
    )
    board = {
        s.code: s
        for s in sitreports.reporting_status(
            engine, governor, quake.id, now=t0 + timedelta(minutes=31)
        )
    }
    assert board[CITY].latest_number == 1 and not board[CITY].late
    assert board[TOWN].latest_number is None and board[TOWN].late
    assert board[TOWN].next_due == t0 + timedelta(minutes=30)
    late = sitreports.late_reports(engine, governor, now=t0 + timedelta(minutes=31))
    assert [r.body_code for r in late] == [TOWN]


def test_the_same_telegram_as_real_runs_the_real_path_and_as_test_does_nothing(staffed, server):
    engine = staffed.engine
    t0 = utcnow().replace(microsecond=0)
    rollcall.poll_jma_feed(
        engine, settings=settings_for(serve(server, t0, "試験", "20260618075801")), now=t0
    )
    with reading(engine) as s:
        assert s.scalars(select(RollCall)).all() == [] and s.scalars(select(Disaster)).all() == []
    rollcall.poll_jma_feed(
        engine, settings=settings_for(serve(server, t0, "通常", "20260618075802")), now=t0
    )
    with reading(engine) as s:
        calls = s.scalars(select(RollCall).order_by(RollCall.id)).all()
        (quake,) = s.scalars(select(Disaster)).all()
        assert s.scalars(select(Exercise)).all() == []
    assert [(c.exercise, c.tier) for c in calls] == [(False, 4), (False, 2)]
    assert not quake.exercise
