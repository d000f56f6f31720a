"""Numbered situation reports (第N報): a scripted typhoon across wards and two municipalities,
with the expected 第1報 / 第2報 / prefecture figures computed by hand below."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dashboard.errors import NotFound, PermissionDenied
from dashboard.services import damage, modes, shelters, sitreports
from dashboard.storage.models import utcnow
from tests.dashboard.services.sitreport_factories import (
    TOWN,
    add_town,
    first_hour,
    report,
    start_typhoon,
    town_report,
)
from tests.factories import CHUO, CHUO_POINT, CITY, KITA, PREF


def total(view, key):
    return view.total[key][0]


def ward(view, code, key):
    return view.area(code).figures[key]


@pytest.fixture
def typhoon(city):
    add_town(city)
    ty = start_typhoon(city)
    first_hour(city, ty)
    return ty


def issue(city, actor, ty, body, sid, minutes=None):
    as_of = ty.at(minutes) if minutes is not None else None
    return sitreports.issue_report(
        city.engine, actor, ty.disaster_id, body_code=body, submission_id=sid, as_of=as_of
    )


def second_hour(city, ty):
    """T0+1h30: 中央区 a report with a minor injury and a death; its shelter fills; 北区's water
    supply partly restored (tally 800). The town reports 2 dead."""
    report(
        city,
        city.chuo_staff,
        "d",
        ty.at(90),
        point=CHUO_POINT,
        dead=1,
        injured=1,
        injured_minor=1,
    )
    shelters.record_status(
        city.engine,
        city.admin,
        shelter_id=city.shelters["chuo1"],
        submission_id="s4",
        state="full",
        evacuees=150,
        households=60,
        at=ty.at(91),
    )
    sitreports.enter_tallies(
        city.engine, city.kita_head, ty.disaster_id, KITA, {"water": 800}, at=ty.at(92)
    )
    town_report(city, ty.at(95), dead=2, injured=0)


def test_first_report_as_computed_by_hand(city, typhoon):
    ty = typhoon
    report_id = issue(city, city.mayor, ty, CITY, "r1", minutes=60)
    first = sitreports.get_report(city.engine, city.mayor, report_id)
    assert first.number == 1 and first.disaster_name == "令和8年台風第10号"
    assert first.issued_by == "mayor"
    # 北区: report A counted once (B is its duplicate, the report before the typhoon is left out),
    # confirmed by the ward head, so rows without reports are 0, not 未確認.
    assert ward(first, KITA, "dead") == [1, "reports"]
    assert ward(first, KITA, "missing") == [0, "reports"]
    assert ward(first, KITA, "injured_serious") == [1, "reports"]
    assert ward(first, KITA, "injured_minor") == [2, "reports"]
    assert ward(first, KITA, "total_collapse_buildings") == [2, "reports"]
    assert ward(first, KITA, "total_collapse_persons") == [5, "reports"]
    assert ward(first, KITA, "half_collapse_buildings") == [0, "reports"]
    assert ward(first, KITA, "affected_households") == [2, "derived"]
    assert ward(first, KITA, "affected_persons") == [5, "derived"]
    assert ward(first, KITA, "water") == [1200, "tally"]
    assert ward(first, KITA, "roads") == [3, "tally"]
    assert ward(first, KITA, "electricity") == [None, "tally"]  # no tally: 未確認
    assert ward(first, KITA, "shelters_open") == [1, "system"]  # 第2中学校 only preparing
    assert ward(first, KITA, "evacuees") == [120, "system"]
    assert first.area(KITA).status == sitreports.CONFIRMED
    # 中央区: not confirmed; the old-style report's injuries are unclassified, 重傷/軽傷 未確認.
    assert ward(first, CHUO, "dead") == [0, "reports"]
    assert ward(first, CHUO, "injured_serious") == [None, "reports"]
    assert ward(first, CHUO, "injured_unclassified") == [2, "reports"]
    assert ward(first, CHUO, "flood_above_households") == [4, "reports"]
    assert ward(first, CHUO, "total_collapse_buildings") == [None, "reports"]
    assert ward(first, CHUO, "affected_households") == [None, "derived"]
    assert first.area(CHUO).status == sitreports.UNCONFIRMED
    # Totals over the 24 wards: 22 wards without anything are 未確認 for report rows.
    assert first.total["dead"] == [1, "reports", True]
    assert first.total["injured_unclassified"] == [2, "reports", True]
    assert first.total["evacuees"] == [200, "system", False]
    assert first.total["shelters_open"] == [2, "system", False]
    assert first.total["evacuee_households"] == [85, "system", False]
    assert first.total["water"] == [1200, "tally", True]
    assert first.total["electricity"] == [None, "tally", False]
    assert len(first.areas) == 24


def test_second_report_and_snapshot_unchanged(city, typhoon):
    ty = typhoon
    first_id = issue(city, city.mayor, ty, CITY, "r1", minutes=60)
    before = sitreports.get_report(city.engine, city.mayor, first_id)
    second_hour(city, ty)
    second_id = issue(city, city.admin, ty, CITY, "r2", minutes=120)
    second = sitreports.get_report(city.engine, city.admin, second_id)
    assert second.number == 2
    # 北区 data changed after the confirmation: shown as stale, figures still known.
    assert second.area(KITA).status == sitreports.STALE
    assert ward(second, KITA, "water") == [800, "tally"]
    assert ward(second, CHUO, "dead") == [1, "reports"]
    assert ward(second, CHUO, "injured_minor") == [1, "reports"]
    assert ward(second, CHUO, "injured_serious") == [None, "reports"]  # not given is not 0
    assert second.total["dead"] == [2, "reports", True]
    assert second.total["evacuees"] == [270, "system", False]  # 120 + 150
    assert second.total["water"] == [800, "tally", True]
    # The first report is exactly as issued, whatever arrived later.
    assert sitreports.get_report(city.engine, city.mayor, first_id) == before
    assert total(before, "evacuees") == 200 and total(before, "dead") == 1
    # The diff against the previous report marks what moved.
    changed = sitreports.changed_figures(before, second)
    assert ("total", "dead") in changed and ("total", "evacuees") in changed
    assert ("total", "roads") not in changed
    assert (KITA, "water") in changed and (KITA, "dead") not in changed
    # A repeated click issues nothing new.
    assert issue(city, city.admin, ty, CITY, "r2", minutes=120) == second_id
    numbers = [r.number for r in sitreports.list_reports(city.engine, city.mayor, ty.disaster_id)]
    assert numbers == [2, 1]


def test_prefecture_sums_latest_issued_reports_never_drafts(city, typhoon):
    ty = typhoon
    issue(city, city.mayor, ty, CITY, "r1", minutes=60)
    second_hour(city, ty)
    # The town issues its 第1報; the city has a newer draft but 第1報 is its latest issued.
    issue(city, city.town_mayor, ty, TOWN, "t1", minutes=120)
    pref_draft = sitreports.draft_report(city.engine, city.governor, ty.disaster_id, body_code=PREF)
    assert pref_draft.area(CITY).status == "第1報"
    assert pref_draft.total["dead"] == [3, "municipality", True]  # city 第1報: 1＋, town: 2
    assert pref_draft.total["evacuees"][0] == 200  # the city's draft says 270: not counted
    issue(city, city.mayor, ty, CITY, "r2", minutes=120)
    pref_id = issue(city, city.governor, ty, PREF, "p1")
    pref = sitreports.get_report(city.engine, city.governor, pref_id)
    assert pref.number == 1 and pref.level == "prefecture"
    assert pref.area(CITY).status == "第2報" and pref.area(TOWN).status == "第1報"
    # city 第2報: 2 (some wards 未確認, so the sum is a lower bound), town: 2
    assert pref.total["dead"] == [4, "municipality", True]
    assert pref.total["evacuee_households"] == [50 + 60, "municipality", False]  # 北 + 中央
    assert pref.total["evacuees"][0] == 270
    assert pref.total["water"] == [800, "municipality", True]  # the town's water is 未確認
    # Reports of the prefecture are numbered on their own.
    assert issue(city, city.governor, ty, PREF, "p2") != pref_id
    assert (
        sitreports.previous_report(
            city.engine, city.governor, ty.disaster_id, body_code=PREF
        ).number
        == 2
    )


def test_reporting_times_next_due_and_late(city, typhoon):
    ty = typhoon  # started 5 h ago, every 3 hours
    board = {
        b.code: b for b in sitreports.reporting_status(city.engine, city.governor, ty.disaster_id)
    }
    assert set(board) == {CITY, TOWN}
    assert board[CITY].latest_number is None and board[CITY].late  # T0+3h has passed
    assert board[CITY].next_due == ty.at(180)
    issue(city, city.mayor, ty, CITY, "r1")
    board = {
        b.code: b for b in sitreports.reporting_status(city.engine, city.governor, ty.disaster_id)
    }
    assert board[CITY].latest_number == 1 and not board[CITY].late
    assert board[CITY].next_due == ty.at(360)
    assert board[TOWN].late
    mine = sitreports.reporting_status(city.engine, city.mayor, ty.disaster_id)
    assert [b.code for b in mine] == [CITY]


def test_fixed_clock_times(city):
    start = utcnow().replace(hour=0, minute=30, second=0, microsecond=0)  # 09:30 JST
    view = modes.DisasterView(1, "x", "typhoon", PREF, start, None, None, ("09:00", "15:00"), False)
    assert sitreports.next_due(view, None) == start + timedelta(hours=5, minutes=30)  # 15:00 JST
    later = start + timedelta(hours=6)  # 15:30 JST
    assert sitreports.next_due(view, later) == start + timedelta(hours=23, minutes=30)  # 09:00
    assert modes.parse_report_times("９：００、15:00 9:00") == ("09:00", "15:00")


def test_ward_scoping(city, typhoon):
    ty = typhoon
    with pytest.raises(PermissionDenied):  # another ward's tallies
        sitreports.ward_tallies(city.engine, city.kita_head, ty.disaster_id, CHUO)
    with pytest.raises(PermissionDenied):
        sitreports.enter_tallies(city.engine, city.kita_head, ty.disaster_id, CHUO, {"water": 1})
    with pytest.raises(PermissionDenied):  # ward staff: neither tallies nor confirmation
        sitreports.confirm_ward(city.engine, city.chuo_staff, ty.disaster_id, CHUO)
    with pytest.raises(PermissionDenied):  # a ward head neither issues nor reads the city's
        issue(city, city.kita_head, ty, CITY, "w1")
    with pytest.raises(PermissionDenied):
        sitreports.draft_report(city.engine, city.kita_head, ty.disaster_id, body_code=CITY)
    report_id = issue(city, city.mayor, ty, CITY, "r1")
    with pytest.raises(PermissionDenied):
        sitreports.get_report(city.engine, city.kita_head, report_id)
    with pytest.raises(PermissionDenied):  # the governor issues only the prefecture's report
        issue(city, city.governor, ty, CITY, "g1")
    with pytest.raises(PermissionDenied):  # a town does not read the city's report
        sitreports.get_report(city.engine, city.town_mayor, report_id)
    own = sitreports.ward_tallies(city.engine, city.kita_head, ty.disaster_id, KITA)
    assert own["water"].value == 1200 and own["water"].entered_by == "kita_head"
    with pytest.raises(PermissionDenied):  # only the prefecture sets the reporting times
        modes.set_report_times(city.engine, city.mayor, ty.disaster_id, every_hours=1)


def test_drills_never_reach_real_reports(city, typhoon):
    ty = typhoon
    modes.start_drill(city.engine, city.admin, name="総合防災訓練")
    with pytest.raises(NotFound):  # the real disaster is not part of the drill
        sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    drill_id = modes.record_disaster(
        city.engine,
        city.mayor,
        name="訓練地震",
        kind="earthquake",
        area_code=CITY,
        started_at=utcnow() - timedelta(hours=1),
    )
    report(city, city.kita_staff, "drill", utcnow() - timedelta(minutes=5), dead=9)
    drill = sitreports.draft_report(city.engine, city.mayor, drill_id, body_code=CITY)
    assert drill.exercise and ward(drill, KITA, "dead") == [9, "reports"]
    sitreports.enter_tallies(city.engine, city.kita_head, drill_id, KITA, {"water": 5})
    sitreports.confirm_ward(city.engine, city.kita_head, drill_id, KITA)
    sitreports.issue_report(
        city.engine, city.mayor, drill_id, body_code=CITY, submission_id="drill-1"
    )
    assert [r.number for r in sitreports.list_reports(city.engine, city.mayor, drill_id)] == [1]
    assert [d.id for d in modes.list_disasters(city.engine, city.mayor)] == [drill_id]
    modes.end_drill(city.engine, city.admin)
    assert [d.id for d in modes.list_disasters(city.engine, city.mayor)] == [ty.disaster_id]
    real = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    assert ward(real, KITA, "dead") == [1, "reports"]  # the drill's 9 dead are not here
    with pytest.raises(NotFound):
        sitreports.draft_report(city.engine, city.mayor, drill_id, body_code=CITY)
    # Clearing the drill removes its disaster with its tallies, confirmations and reports.
    cleared = modes.clear_drill_data(city.engine, city.admin)
    assert cleared["disasters"] == 1 and cleared["situation_reports"] == 1
    assert cleared["ward_tallies"] == 1 and cleared["ward_confirmations"] == 1


def test_old_reports_stay_valid_and_detail_is_checked(city):
    from dashboard.errors import ValidationFailed

    draft = damage.draft_from_form(
        coordinates="34.70267, 135.50003",
        category="fire",
        severity=2,
        counts={"injured": "3"},
        detail={"injured_serious": "1", "injured_minor": ""},
    )
    assert draft.injured == 3 and draft.injured_serious == 1 and draft.injured_minor is None
    with pytest.raises(ValidationFailed) as exc:
        damage.draft_from_form(
            coordinates="34.70267, 135.50003",
            category="fire",
            severity=2,
            counts={"injured": "1"},
            detail={"injured_serious": "2", "housing_buildings": "1"},
        )
    assert set(exc.value.fields) == {"injured_serious", "housing_class"}
    split_only = damage.draft_from_form(
        coordinates="34.70267, 135.50003",
        category="fire",
        severity=2,
        counts={},
        detail={"injured_serious": "１", "injured_minor": "2"},
    )
    assert split_only.injured == 3


def test_chronology_and_exports_filter_by_disaster(city, typhoon):
    from dashboard.services import chronology, exports

    ty = typhoon
    since = ty.at(-120)
    every = chronology.list_events(city.engine, city.mayor, since=since, kinds=["damage_report"])
    under = chronology.list_events(
        city.engine, city.mayor, since=since, kinds=["damage_report"], disaster_id=ty.disaster_id
    )
    assert len(every) == 4 and len(under) == 3  # the report from before the typhoon is left out
    assert min(e.at for e in under) >= ty.t0
    table = exports.reports_table(city.engine, city.mayor, disaster_id=ty.disaster_id)
    assert len(table.rows) == 3 and len(exports.reports_table(city.engine, city.mayor).rows) == 4
    issue(city, city.mayor, ty, CITY, "r1")
    issued = chronology.list_events(
        city.engine, city.mayor, kinds=["situation_report"], disaster_id=ty.disaster_id
    )
    assert [(e.place, e.who, e.text) for e in issued] == [
        ("大阪市", "mayor", "第1報を発出（令和8年台風第10号）")
    ]
    town_only = modes.record_disaster(
        city.engine, city.town_mayor, name="町の大雨", kind="heavy_rain", area_code=TOWN
    )
    with pytest.raises(NotFound):  # the city is not under the town's disaster
        exports.reports_table(city.engine, city.mayor, disaster_id=town_only)


def test_two_clicks_at_once_never_share_a_number(city, typhoon, database_url):
    """The mayor and the crisis admin click 発出 at the same moment: two reports with their own
    numbers, or one and a clear conflict; never two 第N報 with the same N."""
    import threading

    from dashboard.errors import Conflict
    from dashboard.storage.db import make_engine

    engine = make_engine(database_url, pool_size=4, max_overflow=0)
    start, results = threading.Barrier(2), []

    def click(actor, sid):
        start.wait()
        try:
            results.append(
                sitreports.issue_report(
                    engine, actor, typhoon.disaster_id, body_code=CITY, submission_id=sid
                )
            )
        except Conflict as exc:
            results.append(exc.key)

    threads = [
        threading.Thread(target=click, args=(a, s))
        for a, s in ((city.mayor, "m"), (city.admin, "a"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    numbers = [
        r.number for r in sitreports.list_reports(city.engine, city.mayor, typhoon.disaster_id)
    ]
    assert len(results) == 2 and len(numbers) == len(set(numbers)) >= 1
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    crossed = ("sitrep.number_taken", "sitrep.issue_crossed")
    assert all(isinstance(r, int) or r in crossed for r in results)


def test_a_tally_replaces_a_computed_figure_never_adds(city, typhoon):
    """A count that came by phone replaces what the reports say; what is derived follows it."""
    ty = typhoon
    sitreports.enter_tallies(
        city.engine,
        city.kita_head,
        ty.disaster_id,
        KITA,
        {"dead": 3, "half_collapse_households": 7},
        at=ty.at(58),
    )
    draft = sitreports.draft_report(
        city.engine, city.mayor, ty.disaster_id, body_code=CITY, as_of=ty.at(60)
    )
    assert ward(draft, KITA, "dead") == [3, "tally"]  # not 1 + 3
    assert ward(draft, KITA, "affected_households") == [2 + 7, "derived"]
    assert draft.area(KITA).status == sitreports.STALE  # changed after the confirmation
    # Emptying the tally gives the reports' figure back; an emptied tally row is 未確認, not 0.
    sitreports.enter_tallies(
        city.engine,
        city.kita_head,
        ty.disaster_id,
        KITA,
        {"dead": None, "water": None},
        at=ty.at(59),
    )
    draft = sitreports.draft_report(
        city.engine, city.mayor, ty.disaster_id, body_code=CITY, as_of=ty.at(60)
    )
    assert ward(draft, KITA, "dead") == [1, "reports"]
    assert ward(draft, KITA, "water") == [None, "tally"]


def test_headquarters_from_disaster_mode(city, typhoon):
    from dashboard.services import disaster

    disaster.declare_disaster(city.engine, city.mayor, submission_id="d1", level=2, scope_code=CITY)
    draft = sitreports.draft_report(city.engine, city.mayor, typhoon.disaster_id, body_code=CITY)
    assert draft.headquarters.startswith("大阪市 第1非常配備（")
    assert "大阪市 第1非常配備" in sitreports.report_html(draft)


def test_a_closed_disaster_takes_no_later_data_and_owes_no_report(city, typhoon):
    ty = typhoon
    modes.close_disaster(city.engine, city.governor, ty.disaster_id, at=ty.at(60))
    report(city, city.kita_staff, "late", ty.at(120), dead=5)
    draft = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    assert ward(draft, KITA, "dead") == [1, "reports"]  # the report after the end is not in it
    assert all(
        b.next_due is None and not b.late
        for b in sitreports.reporting_status(city.engine, city.governor, ty.disaster_id)
    )
    assert sitreports.late_reports(city.engine, city.governor) == []
    with pytest.raises(PermissionDenied):  # a town cannot end the prefecture's disaster
        modes.close_disaster(city.engine, city.town_mayor, ty.disaster_id)


def test_cached_sums_follow_new_reports_reviews_and_past_times(city, typhoon):
    """The draft's cached aggregates (sitreports.aggregates) are exact: a new report is added,
    a report marked as a duplicate leaves, a draft for an earlier time ignores later reports."""
    ty = typhoon
    now = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    assert ward(now, KITA, "dead") == [1, "reports"]
    new = report(city, city.kita_staff, "late1", utcnow() - timedelta(minutes=1), dead=2)
    again = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    assert ward(again, KITA, "dead") == [3, "reports"]
    # Newer data after the ward head's confirmation: stale (the cached MAX moved too).
    assert again.area(KITA).status == sitreports.STALE
    earlier = sitreports.draft_report(
        city.engine, city.mayor, ty.disaster_id, body_code=CITY, as_of=ty.at(60)
    )
    assert ward(earlier, KITA, "dead") == [1, "reports"]
    assert earlier.area(KITA).status == sitreports.CONFIRMED
    twice = report(city, city.kita_head, "late2", utcnow() - timedelta(seconds=30), dead=2)
    assert ward(
        sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY),
        KITA,
        "dead",
    ) == [5, "reports"]
    damage.review_report(city.engine, city.admin, twice, action="duplicate", duplicate_of=new)
    after = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    assert ward(after, KITA, "dead") == [3, "reports"]  # the same death counted once


def test_a_report_issued_before_rows_were_added_reads_them_as_unconfirmed(city, typhoon):
    from dashboard.storage.db import transaction
    from dashboard.storage.models import SituationReport

    report_id = issue(city, city.mayor, typhoon, CITY, "old1", minutes=60)
    with transaction(city.engine) as s:
        row = s.get(SituationReport, report_id)
        figures = dict(row.figures)
        figures["total"] = {k: v for k, v in figures["total"].items() if k != "fire_corps"}
        figures["areas"] = [
            {**a, "figures": {k: v for k, v in a["figures"].items() if k != "fire_corps"}}
            for a in figures["areas"]
        ]
        figures.pop("form")
        row.figures = figures
    old = sitreports.get_report(city.engine, city.mayor, report_id)
    assert old.form == sitreports.DAMAGE
    assert old.total["fire_corps"] == [None, "tally", False]
    assert ward(old, KITA, "fire_corps") == [None, "tally"]
    assert "消防団員出動延人数" in sitreports.report_html(old)
    sitreports.report_xlsx(old)  # every sheet still builds
