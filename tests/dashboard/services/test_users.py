from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.domain import Role
from dashboard.errors import LoginFailed, PermissionDenied, ValidationFailed
from dashboard.services import accounts
from dashboard.settings import Settings
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, LoginSession, User, utcnow
from tests.factories import CHUO, KITA, PASSWORD

SETTINGS = Settings(login_max_failures=3, login_lock_minutes=10)


def test_login_with_the_right_password(city):
    actor = accounts.authenticate(city.engine, "mayor", PASSWORD, settings=SETTINGS)
    assert actor.role == Role.MAYOR and actor.jurisdiction_code == "27100"


def test_passwords_are_stored_hashed(city):
    with reading(city.engine) as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "mayor"))
    assert PASSWORD not in stored and stored.startswith("$argon2")


def test_unknown_user_and_wrong_password_read_the_same(city):
    with pytest.raises(LoginFailed) as unknown:
        accounts.authenticate(city.engine, "nobody", PASSWORD, settings=SETTINGS)
    with pytest.raises(LoginFailed) as wrong:
        accounts.authenticate(city.engine, "mayor", "wrong-password", settings=SETTINGS)
    assert unknown.value.key == wrong.value.key == "login.failed"


def test_repeated_failures_lock_the_account_until_the_lock_expires(city):
    now = utcnow()
    for _ in range(2):
        with pytest.raises(LoginFailed, match="Wrong user name"):
            accounts.authenticate(city.engine, "mayor", "bad", now=now, settings=SETTINGS)
    with pytest.raises(LoginFailed) as third:
        accounts.authenticate(city.engine, "mayor", "bad", now=now, settings=SETTINGS)
    assert third.value.key == "login.locked"
    # Even the right password is refused while locked...
    with pytest.raises(LoginFailed) as locked:
        accounts.authenticate(
            city.engine, "mayor", PASSWORD, now=now + timedelta(minutes=5), settings=SETTINGS
        )
    assert locked.value.key == "login.locked" and locked.value.params["minutes"] == 6
    # ...and accepted after the lock has run out.
    actor = accounts.authenticate(
        city.engine, "mayor", PASSWORD, now=now + timedelta(minutes=11), settings=SETTINGS
    )
    assert actor.username == "mayor"
    with reading(city.engine) as s:
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("user.login_failed") == 2 and "user.locked" in actions


def test_set_password_unlocks(city):
    now = utcnow()
    for _ in range(3):
        with pytest.raises(LoginFailed):
            accounts.authenticate(city.engine, "kita_staff", "bad", now=now, settings=SETTINGS)
    accounts.set_password(city.engine, city.admin, username="kita_staff", password="a-new-password")
    assert (
        accounts.authenticate(
            city.engine, "kita_staff", "a-new-password", now=now, settings=SETTINGS
        ).username
        == "kita_staff"
    )


def test_create_user_checks_input_and_scope(city):
    with pytest.raises(ValidationFailed) as bad:
        accounts.create_user(
            city.engine,
            city.admin,
            username="",
            display_name="x",
            role="emperor",
            jurisdiction_code=KITA,
            password="short",
        )
    assert set(bad.value.fields) == {"username", "role", "password"}
    with pytest.raises(PermissionDenied):
        accounts.create_user(
            city.engine,
            city.kita_head,
            username="new",
            display_name="x",
            role="ward_staff",
            jurisdiction_code=KITA,
            password="long-enough",
        )
    with pytest.raises(PermissionDenied):  # the city's admin cannot create a prefecture account
        accounts.create_user(
            city.engine,
            city.admin,
            username="new",
            display_name="x",
            role="governor",
            jurisdiction_code="27000",
            password="long-enough",
        )
    new_id = accounts.create_user(
        city.engine,
        city.admin,
        username="chuo2",
        display_name="中央2",
        role="ward_staff",
        jurisdiction_code=CHUO,
        password="long-enough",
    )
    assert new_id > 0
    with pytest.raises(ValidationFailed, match="already taken"):
        accounts.create_user(
            city.engine,
            city.admin,
            username="chuo2",
            display_name="x",
            role="ward_staff",
            jurisdiction_code=CHUO,
            password="long-enough",
        )


def test_ward_staff_cannot_reset_someone_elses_password(city):
    with pytest.raises(PermissionDenied):
        accounts.set_password(city.engine, city.kita_staff, username="mayor", password="hijacked!!")
    accounts.set_password(
        city.engine, city.kita_staff, username="kita_staff", password="my-own-pass"
    )


def test_the_audit_log_shows_an_admin_only_their_scope_and_the_system(city):
    accounts.set_password(city.engine, city.governor, username="kita_staff", password="by-governor")
    accounts.create_user(
        city.engine,
        city.admin,
        username="kita2",
        display_name="北2",
        role="ward_staff",
        jurisdiction_code=KITA,
        password="long-enough",
    )
    with pytest.raises(LoginFailed):
        accounts.authenticate(city.engine, "nobody", "x", settings=SETTINGS)

    def actions(actor):
        return [(e.username, e.action) for e in accounts.list_audit(city.engine, actor)]

    # Newest first; the governor's entry (prefecture level) is outside the city admin's scope.
    assert actions(city.admin) == [("system", "user.login_failed"), ("admin", "user.created")]
    assert ("governor", "user.password_set") in actions(city.governor)
    assert ("admin", "user.created") in actions(city.governor)
    with pytest.raises(PermissionDenied):
        accounts.list_audit(city.engine, city.kita_head)


def test_a_session_token_survives_until_logout_or_expiry(city):
    now = utcnow()
    token = accounts.start_session(
        city.engine, city.mayor, now=now, settings=Settings(session_hours=12)
    )
    assert accounts.resume_session(city.engine, token, now=now).username == "mayor"
    assert accounts.resume_session(city.engine, token + "x", now=now) is None
    assert accounts.resume_session(city.engine, "", now=now) is None
    assert accounts.resume_session(city.engine, token, now=now + timedelta(hours=13)) is None
    with reading(city.engine) as s:  # only a hash is stored
        assert token not in {h for (h,) in s.execute(select(LoginSession.token_hash))}
    accounts.end_session(city.engine, token, now=now)
    assert accounts.resume_session(city.engine, token, now=now) is None


def test_a_locked_account_cannot_resume_a_session(city):
    now = utcnow()
    token = accounts.start_session(city.engine, city.kita_staff, now=now)
    for _ in range(3):
        with pytest.raises(LoginFailed):
            accounts.authenticate(city.engine, "kita_staff", "bad", now=now, settings=SETTINGS)
    assert accounts.resume_session(city.engine, token, now=now) is None
