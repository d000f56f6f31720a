from datetime import timedelta

import pytest

from dashboard.services import areas, damage, shelters
from dashboard.services.damage import ReportDraft
from dashboard.services.situation import (
    ScopeCounts,
    is_silent,
    scope_counts,
    situation_level,
    ward_situations,
)
from dashboard.settings import Settings
from dashboard.storage.db import transaction
from dashboard.storage.models import DisasterDeclaration, utcnow
from tests.factories import CHUO, CHUO_POINT, CITY, KITA, KITA_POINT

CALM = {
    "max_severity": 0,
    "serious_reports": 0,
    "dead": 0,
    "injured": 0,
    "trapped": 0,
    "occupancy": None,
    "open_shelters": 0,
}


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({}, 0),
        ({"max_severity": 2}, 2),
        ({"max_severity": 3, "serious_reports": 3}, 4),
        ({"max_severity": 1, "trapped": 1}, 4),
        ({"max_severity": 1, "dead": 1}, 4),
        ({"max_severity": 1, "injured": 12}, 3),
        ({"open_shelters": 2, "occupancy": 0.3}, 1),
        ({"open_shelters": 2, "occupancy": 0.85}, 2),
        ({"open_shelters": 2, "occupancy": 1.02}, 3),
        ({"max_severity": 4, "serious_reports": 9}, 4),  # never above 4
    ],
)
def test_situation_level_rules(changes, level):
    assert situation_level(**{**CALM, **changes}) == level


def test_silence_counts_from_the_declaration_and_the_last_report():
    now = utcnow()
    after = timedelta(minutes=30)
    assert not is_silent(last_activity=None, declared_at=None, now=now, silent_after=after)
    declared = now - timedelta(minutes=20)
    assert not is_silent(last_activity=None, declared_at=declared, now=now, silent_after=after)
    declared = now - timedelta(minutes=45)
    assert is_silent(last_activity=None, declared_at=declared, now=now, silent_after=after)
    assert not is_silent(
        last_activity=now - timedelta(minutes=5), declared_at=declared, now=now, silent_after=after
    )
    assert is_silent(
        last_activity=now - timedelta(minutes=31), declared_at=declared, now=now, silent_after=after
    )


def test_ward_situations_combine_reports_shelters_and_silence(city):
    engine, now = city.engine, utcnow()
    draft = ReportDraft(
        lat=KITA_POINT[0],
        lon=KITA_POINT[1],
        category="building_collapse",
        severity=2,
        injured=3,
        trapped=1,
    )
    damage.submit_report(engine, city.kita_staff, draft, submission_id="r1")
    shelters.record_status(
        engine,
        city.kita_staff,
        shelter_id=city.shelters["kita1"],
        submission_id="s1",
        state="full",
        evacuees=200,
    )
    before = ward_situations(engine, city.mayor, now=now)
    assert len(before) == 24
    kita = before[KITA]
    assert (kita.level, kita.reports, kita.trapped, kita.injured) == (4, 1, 1, 3)
    assert (kita.full_shelters, kita.evacuees, kita.capacity) == (1, 200, 200)
    assert before[CHUO].level == 0 and not any(s.silent for s in before.values())

    with transaction(engine) as s:
        s.add(DisasterDeclaration(level=3, scope_code=CITY, declared_at=now - timedelta(hours=1)))
    after = ward_situations(engine, city.mayor, now=now, settings=Settings(silent_after_minutes=30))
    assert not after[KITA].silent  # it reported a moment ago
    assert after[CHUO].silent and sum(s.silent for s in after.values()) == 23
    # The ward sees only itself.
    assert list(ward_situations(engine, city.kita_staff, now=now)) == [KITA]


def test_resolved_reports_no_longer_count(city):
    engine = city.engine
    draft = ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=3)
    report_id = damage.submit_report(engine, city.kita_staff, draft, submission_id="r1")
    assert ward_situations(engine, city.mayor)[KITA].level == 3
    with transaction(engine) as s:
        from dashboard.storage.models import DamageReport

        s.get(DamageReport, report_id).review_state = "resolved"
    assert ward_situations(engine, city.mayor)[KITA].level == 0


def test_scope_counts_match_the_lists_the_home_page_used_to_count(city):
    engine = city.engine
    for i, point in enumerate((KITA_POINT, CHUO_POINT, KITA_POINT)):
        draft = ReportDraft(lat=point[0], lon=point[1], category="fire", severity=2)
        damage.submit_report(
            engine, city.kita_staff, draft, submission_id=f"r{i}", confirm_outside=True
        )
    for actor in (city.mayor, city.kita_staff, city.viewer):
        counts = scope_counts(engine, actor)
        assert counts == ScopeCounts(
            # Areas on the map only: the wards, never the city (nor departments) above them.
            areas=len([a for a in areas.list_areas(engine, actor) if a.level == "ward"]),
            shelters=len(shelters.list_shelters(engine, actor)),
            reports=len(damage.list_reports(engine, actor)),
        )
    assert scope_counts(engine, city.mayor).reports == 3
    assert scope_counts(engine, city.kita_staff).reports == 3  # it reported the Chuo one too
