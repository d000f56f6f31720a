"""One-time passwords (issue 11, must-change-password): an account imported with one, or whose
password an administrator set, logs in bound to set its own first; the services refuse
everything else until then, and a reload does not lift it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.domain import SYSTEM
from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.i18n import translate
from dashboard.services import accounts, chronology, damage, directives, shelters
from dashboard.services.damage import ReportDraft
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import AuditEntry, DamageReport, User
from tests.factories import KITA, KITA_POINT, PASSWORD

ONE_TIME = "one-time-pass-123"
OWN = "my-own-password-456"


def flag_of(engine, username: str) -> bool:
    with reading(engine) as s:
        return s.scalar(select(User.must_change_password).where(User.username == username))


def reset_by_admin(city, username: str = "kita_staff") -> None:
    accounts.set_password(city.engine, city.admin, username=username, password=ONE_TIME)


def test_a_password_set_by_an_administrator_must_be_changed_at_login(city):
    reset_by_admin(city)
    actor = accounts.authenticate(city.engine, "kita_staff", ONE_TIME)
    assert actor.must_change_password
    token = accounts.start_session(city.engine, actor)
    assert accounts.resume_session(city.engine, token).must_change_password  # a reload keeps it
    # Own and CLI-set passwords are not one-time.
    accounts.set_password(city.engine, city.mayor, username="mayor", password=OWN)
    assert not flag_of(city.engine, "mayor")
    accounts.set_password(city.engine, SYSTEM, username="viewer", password=OWN)
    assert not flag_of(city.engine, "viewer")


def test_an_account_an_administrator_creates_starts_with_a_one_time_password(city):
    for actor, username in ((city.admin, "kita9"), (SYSTEM, "kita10")):
        accounts.create_user(
            city.engine,
            actor,
            username=username,
            display_name=username,
            role="ward_staff",
            jurisdiction_code=KITA,
            password=ONE_TIME,
        )
    assert accounts.authenticate(city.engine, "kita9", ONE_TIME).must_change_password
    assert not accounts.authenticate(city.engine, "kita10", ONE_TIME).must_change_password


def test_until_then_every_service_refuses_and_nothing_is_stored(city):
    reset_by_admin(city)
    actor = accounts.authenticate(city.engine, "kita_staff", ONE_TIME)
    draft = ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=2)
    refused = [
        lambda: damage.submit_report(city.engine, actor, draft, submission_id="x"),
        lambda: shelters.record_status(
            city.engine,
            actor,
            shelter_id=city.shelters["kita1"],
            submission_id="x",
            state="open",
            evacuees=1,
        ),
        lambda: shelters.list_shelters(city.engine, actor),
        lambda: damage.list_report_views(city.engine, actor),
        lambda: directives.list_inbox(city.engine, actor),
        lambda: directives.unread_count(city.engine, actor),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied) as caught:
            call()
        assert caught.value.key == "login.must_change_password"
    assert "自分のパスワードを設定" in translate("login.must_change_password", "ja")
    # A ward head with a one-time password cannot acknowledge, a mayor cannot send or read.
    reset_by_admin(city, "kita_head")
    head = accounts.authenticate(city.engine, "kita_head", ONE_TIME)
    delivery = _delivery_to_kita(city)
    with pytest.raises(PermissionDenied):
        directives.acknowledge(city.engine, head, delivery)
    accounts.set_password(city.engine, city.governor, username="mayor", password=ONE_TIME)
    mayor = accounts.authenticate(city.engine, "mayor", ONE_TIME)
    with pytest.raises(PermissionDenied):
        directives.send_directive(
            city.engine, mayor, submission_id="m", ward_codes=[KITA], title="t", body="b"
        )
    with pytest.raises(PermissionDenied):
        chronology.list_events(city.engine, mayor)
    with reading(city.engine) as s:
        assert s.scalar(select(func.count()).select_from(DamageReport)) == 0


def _delivery_to_kita(city) -> int:
    directive_id = directives.send_directive(
        city.engine, city.mayor, submission_id="d", ward_codes=[KITA], title="参集", body="至急"
    )
    [item] = directives.list_inbox(city.engine, city.kita_staff)
    assert item.directive_id == directive_id
    return item.delivery_id


def test_setting_ones_own_password_lifts_it_and_ends_the_one_time_login(city):
    reset_by_admin(city)
    actor = accounts.authenticate(city.engine, "kita_staff", ONE_TIME)
    token = accounts.start_session(city.engine, actor)

    with pytest.raises(ValidationFailed) as caught:
        accounts.change_own_password(city.engine, actor, current="wrong-one", new=OWN)
    assert set(caught.value.fields) == {"current"}
    with pytest.raises(ValidationFailed) as caught:
        accounts.change_own_password(city.engine, actor, current=ONE_TIME, new=ONE_TIME)
    assert caught.value.fields["password"][0] == "user.password_unchanged"
    with pytest.raises(ValidationFailed) as caught:
        accounts.change_own_password(city.engine, actor, current=ONE_TIME, new="short")
    assert caught.value.fields["password"][0] == "user.password_short"
    assert flag_of(city.engine, "kita_staff")

    changed = accounts.change_own_password(city.engine, actor, current=ONE_TIME, new=OWN)
    assert not changed.must_change_password and changed.user_id == actor.user_id
    assert not flag_of(city.engine, "kita_staff")
    assert accounts.resume_session(city.engine, token) is None  # the one-time login ended
    assert shelters.list_shelters(city.engine, changed)  # and now the services serve them
    again = accounts.authenticate(city.engine, "kita_staff", OWN)
    assert not again.must_change_password
    with reading(city.engine) as s:
        details = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "user.password_set")
        ).all()
    assert details[0]["one_time"] is True and details[-1]["own"] is True
    assert all(OWN not in str(d) and ONE_TIME not in str(d) for d in details)


def test_an_imported_account_starts_with_a_one_time_password(city):
    with transaction(city.engine) as s:
        user = s.scalar(select(User).where(User.username == "chuo_staff"))
        user.must_change_password = True  # as services/imports stores new accounts
    actor = accounts.authenticate(city.engine, "chuo_staff", PASSWORD)
    assert actor.must_change_password
    with pytest.raises(PermissionDenied):
        shelters.list_shelters(city.engine, actor)
