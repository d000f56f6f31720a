"""第4号様式 その1 (災害概況即報): issued in one click as 第1報, numbered with その2, its figures
worked out by hand from the scripted typhoon (unknown stays 未確認), the 本部 from the
declarations, and the starting text of 応急対策 from the roll-call and the directives."""

from __future__ import annotations

from dashboard.services import disaster, sitreports
from tests.dashboard.services.sitreport_factories import add_town, first_hour, start_typhoon
from tests.factories import CITY


def test_first_report_is_a_summary_and_numbering_is_shared(city):
    add_town(city)
    ty = start_typhoon(city)
    disaster.declare_disaster(city.engine, city.mayor, submission_id="d1", level=2, scope_code=CITY)
    first_hour(city, ty)
    texts = {
        "place": "大阪市北区・中央区",
        "occurred_at": "令和8年9月1日 10時00分",
        "overview": "台風第10号の接近により暴風・大雨",
        "response": "災害対策本部を設置",
    }
    summary_id = sitreports.issue_summary_report(
        city.engine,
        city.mayor,
        ty.disaster_id,
        body_code=CITY,
        submission_id="s1",
        texts=texts,
    )
    # The same click again: the same report.
    assert (
        sitreports.issue_summary_report(
            city.engine, city.mayor, ty.disaster_id, body_code=CITY, submission_id="s1"
        )
        == summary_id
    )
    first = sitreports.get_report(city.engine, city.mayor, summary_id)
    assert (first.number, first.form) == (1, sitreports.SUMMARY)
    assert first.remarks == texts
    figures = {key: value for key, _, _, _, value in sitreports.summary_figures(first)}
    # 北区 confirmed: 1 dead (the duplicate counted once), 1 serious + 2 minor injured, 2 全壊;
    # the 22 other wards have sent nothing and are not confirmed: the sums are 未確認.
    assert figures["dead"] is None and figures["injured"] is None
    assert figures["casualties"] is None and figures["total_collapse"] is None
    assert [e["name"] for e in first.hq_entries] == ["大阪市"]
    assert first.hq_entries[0]["dissolved"] is None
    # その2 takes the next number of the same sequence.
    second_id = sitreports.issue_report(
        city.engine, city.mayor, ty.disaster_id, body_code=CITY, submission_id="r2"
    )
    second = sitreports.get_report(city.engine, city.mayor, second_id)
    assert (second.number, second.form) == (2, sitreports.DAMAGE)
    listed = sitreports.list_reports(city.engine, city.mayor, ty.disaster_id)
    assert [r.number for r in listed] == [2, 1]


def test_summary_figures_when_every_ward_is_known(city):
    """A town without wards: its figures are known once it confirms, so その1's sums print."""
    add_town(city)
    ty = start_typhoon(city)
    from tests.dashboard.services.sitreport_factories import TOWN, town_report

    town_report(city, ty.at(10), dead=2, injured=3, injured_serious=1, injured_minor=2)
    town_report(
        city,
        ty.at(20),
        housing_class="half_collapse",
        housing_buildings=4,
        housing_households=4,
        housing_persons=10,
    )
    sitreports.confirm_ward(city.engine, city.town_mayor, ty.disaster_id, TOWN, at=ty.at(30))
    view = sitreports.draft_summary_report(
        city.engine, city.town_mayor, ty.disaster_id, body_code=TOWN
    )
    figures = {key: value for key, _, _, _, value in sitreports.summary_figures(view)}
    assert figures == {
        "dead": 2,
        "missing": 0,
        "injured": 3,
        "casualties": 5,
        "total_collapse": 0,
        "half_collapse": 4,
        "partial": 0,
        "flood_above": 0,
    }


def test_starting_text_names_the_body_and_the_disaster_start(city):
    ty = start_typhoon(city)
    start = sitreports.summary_starting_text(
        city.engine, city.mayor, ty.disaster_id, body_code=CITY
    )
    assert start["place"] == "大阪市"
    assert start["overview"] == "令和8年台風第10号"
    assert start["occurred_at"].endswith("分")
