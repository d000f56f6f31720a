"""A ward user cannot read or change another ward's data through any service function."""

import pytest

from dashboard.errors import PermissionDenied
from dashboard.services import damage, shelters
from dashboard.services.damage import ReportDraft
from tests.factories import CHUO, CHUO_POINT, KITA, KITA_POINT


def test_ward_user_sees_only_their_wards_shelters(city):
    seen = shelters.list_shelters(city.engine, city.kita_staff)
    assert {s.ward_code for s in seen} == {KITA} and len(seen) == 2
    assert shelters.list_shelters(city.engine, city.kita_staff, ward_code=CHUO) == []
    assert len(shelters.list_shelters(city.engine, city.mayor)) == 3
    assert len(shelters.list_shelters(city.engine, city.governor)) == 3


def test_ward_user_cannot_update_another_wards_shelter(city):
    with pytest.raises(PermissionDenied):
        shelters.record_status(
            city.engine,
            city.kita_staff,
            shelter_id=city.shelters["chuo1"],
            submission_id="s1",
            state="open",
            evacuees=10,
        )
    assert shelters.list_shelters(city.engine, city.mayor, ward_code=CHUO)[0].state is None
    shelters.record_status(
        city.engine,
        city.kita_staff,
        shelter_id=city.shelters["kita1"],
        submission_id="s2",
        state="open",
        evacuees=10,
    )
    kita1 = next(
        s for s in shelters.list_shelters(city.engine, city.mayor) if s.name == "北第1小学校"
    )
    assert (kita1.state, kita1.evacuees) == ("open", 10)


def test_viewer_cannot_write(city):
    with pytest.raises(PermissionDenied):
        shelters.record_status(
            city.engine,
            city.viewer,
            shelter_id=city.shelters["kita1"],
            submission_id="v1",
            state="open",
            evacuees=1,
        )


def test_report_in_another_ward_needs_confirmation_and_is_flagged(city):
    draft = ReportDraft(lat=CHUO_POINT[0], lon=CHUO_POINT[1], category="fire", severity=3)
    with pytest.raises(PermissionDenied):
        damage.submit_report(city.engine, city.kita_staff, draft, submission_id="r1")
    report_id = damage.submit_report(
        city.engine, city.kita_staff, draft, submission_id="r1", confirm_outside=True
    )
    [report] = damage.list_reports(city.engine, city.mayor)
    assert report.id == report_id and report.ward_code == CHUO
    assert report.outside_reporter_ward and report.reporter_ward_code == KITA
    # 中央区's own staff see it; the reporter's ward keeps sight of what it reported.
    assert [r.id for r in damage.list_reports(city.engine, city.chuo_staff)] == [report_id]
    assert [r.id for r in damage.list_reports(city.engine, city.kita_staff)] == [report_id]


def test_reports_of_other_wards_are_not_listed(city):
    draft = ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="flooding", severity=2)
    damage.submit_report(city.engine, city.kita_staff, draft, submission_id="k1")
    assert damage.list_reports(city.engine, city.chuo_staff) == []
    assert len(damage.list_reports(city.engine, city.kita_head)) == 1
    assert damage.list_reports(city.engine, city.kita_staff, ward_code=CHUO) == []
