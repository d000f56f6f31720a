"""Roll-call staffing: required staff per unit and tier (必要参集人数) and the board's 参集率
against it; editing the register one person at a time (add, edit, move with history,
deactivate) and who may do it — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.services import rollcall
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry
from tests.dashboard.services.test_rollcall import (
    STAFF,
    T0,
    answer,
    csv_of,
    recipients,
    start,
    token_for,
)
from tests.factories import CHUO, KITA

PERSON = {
    "name": "新任 花子",
    "unit_code": KITA,
    "tier": 2,
    "department": "総務課",
    "post": "北区役所",
    "email": "hanako@example.lg.jp",
    "lineworks_user_id": None,
}


@pytest.fixture
def staffed(city):
    assert rollcall.import_staff(city.engine, city.admin, csv_of(STAFF), dry_run=False).applied
    return city


# --- required staff ----------------------------------------------------------------------------


def test_the_rate_is_measured_against_the_required_staff_of_the_called_tier(staffed):
    rollcall.set_requirements(
        staffed.engine, staffed.admin, {(KITA, 2): 10, (KITA, 4): 20, (CHUO, 2): 4}
    )
    rc = start(staffed, submission_id="req", tier=2)  # K1, K2 and C1 are called in
    for number in ("K1", "K2"):
        answer(
            staffed.engine,
            token_for(staffed.engine, rc, number),
            number,
            attendance="arrived",
            now=T0 + timedelta(minutes=15),
        )
    board = rollcall.board(staffed.engine, staffed.mayor, rc, now=T0 + timedelta(minutes=30))
    kita, chuo = board.units
    assert (kita.called, kita.required, kita.arrived, kita.unanswered) == (2, 10, 2, 0)
    assert kita.rate == pytest.approx(0.2)
    assert (chuo.called, chuo.required, chuo.rate) == (1, 4, 0)
    assert (board.total.required, board.total.called) == (14, 3)
    # The chart climbs to 2 of the 14 required, not 2 of the 3 called in.
    assert board.rate_over_time[0][1] == 0
    assert board.rate_over_time[-1][1] == pytest.approx(2 / 14)


def test_a_unit_without_a_required_number_is_measured_against_those_called_in(staffed):
    rollcall.set_requirements(staffed.engine, staffed.admin, {(KITA, 4): 30})
    rc = start(staffed, submission_id="everyone")  # everyone: the tier-4 numbers
    kita, chuo = rollcall.board(staffed.engine, staffed.admin, rc).units
    assert (kita.called, kita.required) == (3, 30)
    assert (chuo.called, chuo.required) == (2, 2)


def test_a_unit_with_required_staff_but_nobody_called_in_counts_with_a_rate_of_zero(staffed):
    rollcall.set_requirements(staffed.engine, staffed.admin, {(KITA, 1): 2, ("27102", 1): 5})
    rc = start(staffed, submission_id="empty-unit", tier=1)  # K1 and C1
    answer(staffed.engine, token_for(staffed.engine, rc, "K1"), "k1", attendance="arrived")
    board = rollcall.board(staffed.engine, staffed.mayor, rc)
    units = {u.unit_code: u for u in board.units}
    assert set(units) == {KITA, CHUO, "27102"}
    assert (units["27102"].called, units["27102"].required, units["27102"].rate) == (0, 5, 0)
    assert (board.total.required, board.total.arrived) == (2 + 1 + 5, 1)
    # A roll-call of one unit counts that unit's required staff alone.
    one = start(staffed, submission_id="one-unit", unit_code=KITA, tier=1)
    assert [u.unit_code for u in rollcall.board(staffed.engine, staffed.mayor, one).units] == [KITA]


def test_required_staff_are_set_changed_and_removed_by_the_crisis_office_only(staffed):
    engine = staffed.engine
    assert rollcall.set_requirements(engine, staffed.admin, {(KITA, 1): 5, (CHUO, 1): 3}) == 2
    assert rollcall.set_requirements(engine, staffed.admin, {(KITA, 1): 5, (CHUO, 1): 7}) == 1
    assert rollcall.set_requirements(engine, staffed.admin, {(KITA, 1): None}) == 1
    assert rollcall.list_requirements(engine, staffed.mayor) == [rollcall.Requirement(CHUO, 1, 7)]
    assert rollcall.list_requirements(engine, staffed.kita_head) == []  # own ward only
    for who in (staffed.mayor, staffed.kita_head, staffed.kita_staff):
        with pytest.raises(PermissionDenied):
            rollcall.set_requirements(engine, who, {(KITA, 1): 1})
    with pytest.raises(ValidationFailed) as refused:
        rollcall.set_requirements(engine, staffed.admin, {(KITA, 1): -1, (KITA, 9): 1})
    assert set(refused.value.fields) == {f"{KITA}:1", f"{KITA}:9"}
    with reading(engine) as s:
        actions = s.scalars(select(AuditEntry.action)).all()
    assert actions.count("staffing_requirement.set") == 3


def test_required_staff_import_checks_first_and_stores_all_or_nothing(staffed):
    engine = staffed.engine
    good = f"unit_code,tier,required\n{KITA},第1非常配備,１２\n{CHUO},2,8\n".encode()
    checked = rollcall.import_requirements(engine, staffed.admin, good, dry_run=True)
    assert (checked.rows, checked.created, checked.applied, checked.problems) == (2, 2, False, [])
    assert rollcall.list_requirements(engine, staffed.admin) == []
    bad = f"unit_code,tier,required\n{KITA},2,x\n99999,2,1\n{CHUO},2,3\n{CHUO},2,4\n".encode()
    report = rollcall.import_requirements(engine, staffed.admin, bad, dry_run=False)
    assert {(p.line, p.column, p.key) for p in report.problems} == {
        (2, "required", "rollcall.import.required"),
        (3, "unit_code", "rollcall.import.unit"),
        (5, "tier", "rollcall.import.duplicate"),
    }
    assert not report.applied and rollcall.list_requirements(engine, staffed.admin) == []
    done = rollcall.import_requirements(engine, staffed.admin, good, dry_run=False)
    assert done.applied
    assert rollcall.list_requirements(engine, staffed.admin) == [
        rollcall.Requirement(KITA, 2, 12),
        rollcall.Requirement(CHUO, 2, 8),
    ]
    header = rollcall.import_requirements(engine, staffed.admin, b"unit,tier\n", dry_run=True)
    assert header.problems[0].key == "rollcall.import.header"
    with pytest.raises(PermissionDenied):
        rollcall.import_requirements(engine, staffed.mayor, good, dry_run=True)


# --- editing the register ----------------------------------------------------------------------


def _by_number(engine, actor):
    return {p.employee_number: p for p in rollcall.list_staff(engine, actor)}


def test_the_crisis_office_adds_a_person_who_is_then_called_in(staffed):
    engine = staffed.engine
    new_id = rollcall.add_staff(engine, staffed.admin, employee_number="N1", **PERSON)
    person = _by_number(engine, staffed.admin)["N1"]
    assert (person.id, person.name, person.unit_code, person.tier) == (new_id, "新任 花子", KITA, 2)
    rc = start(staffed, submission_id="after-add", tier=2)
    assert "N1" in recipients(engine, rc)
    with pytest.raises(ValidationFailed) as taken:
        rollcall.add_staff(engine, staffed.admin, employee_number="N1", **PERSON)
    assert taken.value.fields["employee_number"][0] == "rollcall.staff_number_taken"


def test_bad_input_is_refused_with_a_message_per_field(staffed):
    bad = {**PERSON, "name": " \u202e ", "tier": 7, "email": "no-at-sign", "unit_code": "99999"}
    with pytest.raises(ValidationFailed) as refused:
        rollcall.add_staff(staffed.engine, staffed.admin, employee_number="N2", **bad)
    assert {k: v[0] for k, v in refused.value.fields.items()} == {
        "name": "rollcall.import.missing",
        "tier": "rollcall.import.tier",
        "email": "rollcall.import.email",
        "unit_code": "rollcall.import.unit",
    }
    assert "N2" not in _by_number(staffed.engine, staffed.admin)


def test_a_move_keeps_the_history_and_earlier_roll_calls_keep_the_old_unit(staffed):
    engine = staffed.engine
    before = start(staffed, submission_id="before-move")
    person = _by_number(engine, staffed.admin)["K1"]
    values = {k: getattr(person, k) for k in rollcall.EDITABLE}
    rollcall.edit_staff(engine, staffed.admin, person.id, **{**values, "unit_code": CHUO})
    rollcall.edit_staff(engine, staffed.admin, person.id, **{**values, "unit_code": CHUO})  # no-op
    rollcall.edit_staff(
        engine, staffed.admin, person.id, **{**values, "unit_code": CHUO, "post": "中央区役所"}
    )
    rollcall.set_staff_active(engine, staffed.admin, person.id, False)
    history = rollcall.staff_history(engine, staffed.admin, person.id)
    assert [(h.kind, h.unit_code, h.previous_unit_code) for h in history] == [
        ("imported", KITA, None),
        ("moved", CHUO, KITA),
        ("edited", CHUO, CHUO),
        ("deactivated", CHUO, None),
    ]
    old = {p.employee_number: p.unit_code for p in rollcall.people(engine, staffed.admin, before)}
    assert old["K1"] == KITA
    after = start(staffed, submission_id="after-move")
    assert "K1" not in recipients(engine, after)  # deactivated
    with reading(engine) as s:
        entries = s.execute(
            select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.action == "staff.moved")
        ).all()
    assert entries == [("staff.moved", {"from": KITA, "to": CHUO})]  # codes, no names


def test_only_the_crisis_office_edits_and_a_unit_head_reads_only_their_unit(staffed):
    engine = staffed.engine
    staff = _by_number(engine, staffed.admin)
    kita, chuo = staff["K1"], staff["C1"]
    values = {k: getattr(kita, k) for k in rollcall.EDITABLE}
    for who in (staffed.kita_head, staffed.mayor, staffed.kita_staff, staffed.viewer):
        with pytest.raises(PermissionDenied):
            rollcall.edit_staff(engine, who, kita.id, **values)
        with pytest.raises(PermissionDenied):
            rollcall.add_staff(engine, who, employee_number="X1", **PERSON)
    assert set(_by_number(engine, staffed.kita_head)) == {"K1", "K2", "K4"}
    assert rollcall.staff_history(engine, staffed.kita_head, kita.id)
    with pytest.raises(PermissionDenied):
        rollcall.staff_history(engine, staffed.kita_head, chuo.id)
    with pytest.raises(PermissionDenied):
        rollcall.staff_history(engine, staffed.mayor, kita.id)
