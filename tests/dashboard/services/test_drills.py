"""Drills (訓練): drill data stays apart from real data and is cleared after the drill."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.errors import Conflict, PermissionDenied, ValidationFailed
from dashboard.services import delivery, directives, disaster, modes
from dashboard.services.modes import mode_for
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    AuditEntry,
    ChannelTarget,
    DamagePhoto,
    DamageReport,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    Exercise,
    OutboxAttempt,
    OutboxMessage,
    Shelter,
    ShelterStatus,
    utcnow,
)
from tests.factories import CHUO, CITY, KITA, KITA_POINT, make_shelter


@pytest.fixture(autouse=True)
def _no_stray_workers():
    """Delivery workers left running by app tests in this process would deliver and escalate
    this test's data on the shared PostgreSQL database behind its back."""
    delivery.stop_all_workers()


def count(engine, model, *where) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def send(city, submission: str) -> int:
    return directives.send_directive(
        city.engine,
        city.mayor,
        submission_id=submission,
        ward_codes=[KITA, CHUO],
        template="mobilise_staff",
    )


def add_report(session, submission: str, *, exercise: bool) -> DamageReport:
    report = DamageReport(
        submission_id=submission,
        lat=KITA_POINT[0],
        lon=KITA_POINT[1],
        ward_code=KITA,
        category="fire",
        severity=2,
        exercise=exercise,
    )
    session.add(report)
    session.flush()
    session.add(
        DamagePhoto(
            report_id=report.id, content_type="image/jpeg", data=b"x", thumbnail=b"x",
            width=1, height=1,
        )
    )  # fmt: skip
    return report


def test_drill_data_is_marked_and_kept_apart_from_real_data(city):
    engine = city.engine
    real = send(city, "real")
    modes.start_drill(engine, city.admin, name="総合防災訓練")
    assert mode_for(engine, city.admin).exercise_name == "総合防災訓練"
    drill = send(city, "drill")
    with reading(engine) as s:
        assert s.get(Directive, drill).exercise and not s.get(Directive, real).exercise
    # During the drill the ward sees only the drill directive, and after it only the real one.
    assert [i.directive_id for i in directives.list_inbox(engine, city.kita_head)] == [drill]
    assert modes.end_drill(engine, city.admin) is True
    assert modes.end_drill(engine, city.admin) is False
    assert [i.directive_id for i in directives.list_inbox(engine, city.kita_head)] == [real]
    assert [d.id for d in directives.list_directives(engine, city.mayor)] == [real]


def test_one_drill_at_a_time_and_a_name_is_needed(city):
    first = modes.start_drill(city.engine, city.mayor, name="訓練A")
    assert modes.start_drill(city.engine, city.mayor, name="訓練A") == first  # double click
    with pytest.raises(Conflict):
        modes.start_drill(city.engine, city.admin, name="訓練B")
    modes.end_drill(city.engine, city.mayor)
    with pytest.raises(ValidationFailed):
        modes.start_drill(city.engine, city.mayor, name="  ")
    assert [d.name for d in modes.list_drills(city.engine)] == ["訓練A"]


@pytest.mark.parametrize("who", ["kita_head", "kita_staff", "viewer"])
def test_only_command_roles_run_drills(city, who):
    actor = getattr(city, who)
    with pytest.raises(PermissionDenied):
        modes.start_drill(city.engine, actor, name="訓練")
    with pytest.raises(PermissionDenied):
        modes.clear_drill_data(city.engine, actor)


def test_clearing_deletes_every_drill_row_and_keeps_real_data(city, tmp_path):
    engine = city.engine
    with transaction(engine) as s:
        s.add(
            ChannelTarget(
                jurisdiction_code=KITA, kind="webhook", config={"url": "http://127.0.0.1:9/"}
            )
        )
        add_report(s, "real-report", exercise=False)
        s.add(ShelterStatus(submission_id="real-status", shelter_id=city.shelters["kita1"],
                            state="open", evacuees=10))  # fmt: skip
    real = send(city, "real")

    modes.start_drill(engine, city.admin, name="訓練")
    send(city, "drill")
    disaster.declare_disaster(engine, city.mayor, submission_id="decl", level=3, scope_code=CITY)
    with transaction(engine) as s:
        drill_report = add_report(s, "drill-report", exercise=True)
        # A real report that someone marked as a duplicate of a drill report.
        s.get(DamageReport, 1).duplicate_of_id = drill_report.id
        adhoc = make_shelter(s, name="訓練用臨時避難所", ward=KITA, lat=34.7, lon=135.5)
        adhoc.exercise = True
        s.add(ShelterStatus(submission_id="drill-status", shelter_id=adhoc.id, state="open",
                            evacuees=5, exercise=True))  # fmt: skip
        s.add(ShelterStatus(submission_id="drill-real-shelter", shelter_id=city.shelters["kita1"],
                            state="full", evacuees=200, exercise=True))  # fmt: skip
    delivery.run_outbox_once(engine, credentials={}, settings=Settings())  # attempts are logged

    with pytest.raises(Conflict):
        modes.clear_drill_data(engine, city.admin)
    modes.end_drill(engine, city.admin)
    counts = modes.clear_drill_data(engine, city.admin)

    assert counts["directives"] == 2  # the drill directive and the declaration roll call
    assert counts["directive_deliveries"] == 2 + 24
    assert counts["disaster_declarations"] == 1 and counts["damage_photos"] == 1
    assert counts["shelter_statuses"] == 2 and counts["shelters"] == 1
    assert counts["outbox_attempts"] >= 1 and "audit_log" not in counts
    for model in (Directive, DisasterDeclaration, DamageReport, ShelterStatus, OutboxMessage,
                  Shelter):  # fmt: skip
        assert count(engine, model, model.exercise.is_(True)) == 0, model
    # Real data is untouched.
    assert count(engine, Directive) == 1 and count(engine, DirectiveDelivery) == 2
    assert count(engine, DamageReport) == 1 and count(engine, DamagePhoto) == 1
    assert count(engine, ShelterStatus) == 1 and count(engine, Shelter) == 3
    assert count(engine, OutboxMessage) == 1 and count(engine, OutboxAttempt) == 1
    with reading(engine) as s:
        assert s.get(DamageReport, 1).duplicate_of_id is None
        assert s.scalars(select(Directive.id)).all() == [real]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "drill.cleared")).one()
        assert not entry.exercise and entry.detail["deleted"]["directives"] == 2
        # The audit log is append-only: what happened during the drill is still there, flagged.
        drill_actions = s.scalars(select(AuditEntry.action).where(AuditEntry.exercise)).all()
        assert "directive.sent" in drill_actions and "disaster.declared" in drill_actions
        assert s.scalars(select(Exercise.cleared_at)).one() is not None
    assert all(d.cleared_at for d in modes.list_drills(engine))
    assert utcnow() >= entry.at


def test_a_drill_name_is_cleaned_and_bounded(city):
    """NUL bytes and bidi overrides never reach the database (issue 10 #9)."""
    with pytest.raises(ValidationFailed):
        modes.start_drill(city.engine, city.admin, name="x" * (modes.NAME_MAX + 1))
    with pytest.raises(ValidationFailed):
        modes.start_drill(city.engine, city.admin, name="\x00\u202e ")
    modes.start_drill(city.engine, city.admin, name="総合\x00防災\u202e訓練")
    assert mode_for(city.engine, city.admin).exercise_name == "総合防災訓練"
