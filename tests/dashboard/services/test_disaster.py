"""Disaster mode: declaring shows everywhere, starts silent detection and rolls the wards call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dashboard.errors import Conflict, PermissionDenied, ValidationFailed
from dashboard.services import delivery, directives, disaster
from dashboard.services.modes import mode_for
from dashboard.services.situation import ward_situations
from dashboard.settings import Settings
from dashboard.storage.db import reading
from dashboard.storage.models import (
    AuditEntry,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    utcnow,
)
from tests.factories import CITY, KITA, PREF

WARDS = 24


@pytest.fixture(autouse=True)
def _no_stray_workers():
    """Delivery workers left running by app tests in this process would deliver and escalate
    this test's data on the shared PostgreSQL database behind its back."""
    delivery.stop_all_workers()


def declare(city, actor=None, *, scope=CITY, submission="d1", level=2, **kwargs) -> int:
    return disaster.declare_disaster(
        city.engine,
        actor or city.mayor,
        submission_id=submission,
        level=level,
        scope_code=scope,
        **kwargs,
    )


def test_declaring_rolls_the_call_of_every_ward_and_shows_everywhere(city):
    engine, t0 = city.engine, utcnow()
    declaration_id = declare(city, note="震度6弱を観測", now=t0)
    assert declare(city, note="震度6弱を観測", now=t0) == declaration_id  # the double click

    with reading(engine) as s:
        (directive,) = s.scalars(select(Directive)).all()
        assert directive.kind == "declaration" and directive.priority == "urgent"
        assert "第1非常配備" in directive.title and "震度6弱を観測" in directive.body
        assert s.scalar(select(func.count()).select_from(DirectiveDelivery)) == WARDS
        assert s.scalar(select(func.count()).where(AuditEntry.action == "disaster.declared")) == 1
    # Every ward is asked to confirm; the ward head acknowledges it like any directive.
    summary = directives.inbox_summary(engine, city.kita_head)
    assert summary.unacknowledged == 1 and summary.newest.kind == "declaration"

    for actor in (city.mayor, city.kita_staff, city.governor, city.viewer):
        (shown,) = mode_for(engine, actor).declarations
        assert (shown.id, shown.level, shown.scope_name("ja")) == (declaration_id, 2, "大阪市")
    assert mode_for(engine, city.governor).disaster

    # Silent-ward detection is on: after 30 quiet minutes every ward is silent but the one
    # whose head acknowledged the roll call.
    directives.acknowledge(
        engine, city.kita_head, summary.newest.delivery_id, now=t0 + timedelta(minutes=20)
    )
    later = ward_situations(engine, city.mayor, now=t0 + timedelta(minutes=45), settings=Settings())
    assert sum(s.silent for s in later.values()) == WARDS - 1 and not later[KITA].silent


def test_a_scope_in_disaster_mode_must_be_ended_before_declaring_again(city):
    declaration_id = declare(city)
    with pytest.raises(Conflict):
        declare(city, submission="d2", level=4)
    assert disaster.end_disaster(city.engine, city.admin, declaration_id=declaration_id) is True
    assert disaster.end_disaster(city.engine, city.admin, declaration_id=declaration_id) is False
    assert not mode_for(city.engine, city.governor).disaster
    with reading(city.engine) as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "disaster.ended")) == 1
    declare(city, submission="d2", level=4)
    views = disaster.list_declarations(city.engine, city.mayor)
    assert [(v.level, v.ended_at is None) for v in views] == [(4, True), (2, False)]


def test_the_governor_declares_for_the_prefecture_and_municipalities_confirm(city):
    declare(city, city.governor, scope=PREF, level=3)
    with reading(city.engine) as s:
        codes = s.scalars(select(DirectiveDelivery.jurisdiction_code)).all()
    assert codes == [CITY]
    # The city's crisis management confirms for the city; the wards see the prefecture's mode.
    summary = directives.inbox_summary(city.engine, city.admin)
    assert summary.unacknowledged == 1
    assert mode_for(city.engine, city.kita_staff).declarations[0].scope_code == PREF
    scopes = [code for code, *_ in disaster.declarable_scopes(city.engine, city.governor)]
    assert scopes == [PREF, CITY]
    assert [code for code, *_ in disaster.declarable_scopes(city.engine, city.mayor)] == [CITY]


@pytest.mark.parametrize("who", ["kita_head", "kita_staff", "viewer"])
def test_only_command_roles_declare_or_end(city, who):
    with pytest.raises(PermissionDenied):
        declare(city, getattr(city, who))
    declaration_id = declare(city)
    with pytest.raises(PermissionDenied):
        disaster.end_disaster(city.engine, getattr(city, who), declaration_id=declaration_id)


def test_a_mayor_cannot_declare_for_the_prefecture_or_a_bad_level(city):
    with pytest.raises(PermissionDenied):
        declare(city, scope=PREF)
    with pytest.raises(ValidationFailed):
        declare(city, level=9)
    assert not mode_for(city.engine, city.governor).disaster


def test_a_declaration_note_is_cleaned_and_bounded(city):
    """NUL bytes and bidi overrides never reach the database (PostgreSQL refused NUL with a
    DataError); an over-long note is refused with the field named (issue 10 #9)."""
    with pytest.raises(ValidationFailed) as long:
        declare(city, note="\x00" + "x" * (disaster.NOTE_MAX + 1))
    assert long.value.fields["note"][0] == "input.too_long"
    declaration_id = declare(city, note="震度6弱\x00を\u202e観測")
    with reading(city.engine) as s:
        assert s.get(DisasterDeclaration, declaration_id).note == "震度6弱を観測"
