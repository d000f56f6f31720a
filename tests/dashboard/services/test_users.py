import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.domain import Role
from dashboard.errors import LoginFailed, PermissionDenied, ValidationFailed
from dashboard.services import accounts
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import AuditEntry, LoginSession, LoginThrottle, User, utcnow
from tests.factories import CHUO, CITY, KITA, PASSWORD

SETTINGS = Settings(
    login_max_failures=3,
    login_delay_seconds=10,
    login_delay_max_seconds=300,
    login_client_max_failures=100,
)


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


# --- issue 10 #2: throttled by name and client with growing delays, never a lock for everyone ---


def _fail(engine, name, *, client, now, password="bad", settings=SETTINGS):
    with pytest.raises(LoginFailed) as caught:
        accounts.authenticate(engine, name, password, client=client, now=now, settings=settings)
    return caught.value.key, caught.value.params


def test_a_stranger_cannot_lock_the_mayor_out(city):
    now = utcnow()
    for _ in range(10):
        _fail(city.engine, "mayor", client="203.0.113.9", now=now)
    # From the mayor's own machine the right password still works at once...
    actor = accounts.authenticate(
        city.engine, "mayor", PASSWORD, client="10.0.0.5", now=now, settings=SETTINGS
    )
    assert actor.username == "mayor"
    # ...while the stranger's client must wait, even with the right password.
    key, params = _fail(city.engine, "mayor", client="203.0.113.9", now=now, password=PASSWORD)
    assert key == "login.throttled" and params["seconds"] > 0


def test_delays_grow_with_each_failure_and_then_let_the_next_try_through(city):
    now, waits = utcnow(), []
    for _ in range(3):  # the free tries
        assert _fail(city.engine, "mayor", client="c", now=now) == ("login.failed", {})
    for _ in range(3):
        key, params = _fail(city.engine, "mayor", client="c", now=now)
        assert key == "login.throttled"
        waits.append(params["seconds"])
        now += timedelta(seconds=params["seconds"])
        _fail(city.engine, "mayor", client="c", now=now)  # a try after the wait is checked
    assert waits == [10, 20, 40]
    now += timedelta(seconds=80)
    assert (
        accounts.authenticate(
            city.engine, "mayor", PASSWORD, client="c", now=now, settings=SETTINGS
        ).username
        == "mayor"
    )


def test_someone_elses_failures_never_end_an_open_login(city):
    now = utcnow()
    token = accounts.start_session(city.engine, city.mayor, now=now)
    for _ in range(20):
        _fail(city.engine, "mayor", client="203.0.113.9", now=now)
    assert accounts.resume_session(city.engine, token, now=now).username == "mayor"


def test_unknown_and_known_names_behave_the_same_under_throttling(city):
    now = utcnow()

    def answers(name, client):
        return [_fail(city.engine, name, client=client, now=now)[0] for _ in range(6)]

    assert answers("mayor", "a") == answers("no-such-user", "b")
    assert answers("mayor", "a")[0] == "login.throttled"


def test_one_client_cannot_try_many_names_quickly(city):
    now = utcnow()
    settings = Settings(login_max_failures=3, login_client_max_failures=5)
    keys = [
        _fail(city.engine, f"user{i}", client="scanner", now=now, settings=settings)[0]
        for i in range(7)
    ]
    assert keys[:5] == ["login.failed"] * 5 and keys[6] == "login.throttled"


def test_every_try_stays_in_the_audit_log(city):
    now = utcnow()
    for _ in range(5):
        _fail(city.engine, "mayor", client="203.0.113.9", now=now)
    with reading(city.engine) as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["user.login_failed"] * 3 + ["user.login_throttled"] * 2
    assert all(e.detail == {"username": "mayor", "client": "203.0.113.9"} for e in entries)


# --- issue 10 #7: hostile user names ---


@pytest.mark.parametrize(
    "typed",
    ["may\x00or", "\x00", "a" * 2_000_000, "mayor\u202e", "x" * 65],
    ids=["nul-inside", "nul", "two-million", "bidi", "65-chars"],
)
def test_a_hostile_user_name_gets_the_normal_message_and_a_bounded_log(city, typed):
    key, _ = _fail(city.engine, typed, client="c", now=utcnow(), password=PASSWORD)
    assert key == "login.failed"
    with reading(city.engine) as s:
        logged = s.scalars(select(AuditEntry.detail)).one()["username"]
    assert len(logged) <= 64 and "\x00" not in logged and "\u202e" not in logged


# --- issue 10 #5: logout, password reset, deactivation and role change end open logins ---


def test_logout_ends_the_login_in_every_tab(city):
    token = accounts.start_session(city.engine, city.kita_staff)
    assert accounts.session_valid(city.engine, token, city.kita_staff)
    accounts.end_session(city.engine, token)
    assert not accounts.session_valid(city.engine, token, city.kita_staff)


def test_a_password_reset_ends_every_login_of_that_user_only(city):
    tokens = [accounts.start_session(city.engine, city.kita_staff) for _ in range(2)]
    other = accounts.start_session(city.engine, city.chuo_staff)
    accounts.set_password(city.engine, city.admin, username="kita_staff", password="new-password")
    assert [accounts.resume_session(city.engine, t) for t in tokens] == [None, None]
    assert accounts.resume_session(city.engine, other).username == "chuo_staff"


def test_deactivation_and_role_change_end_logins(city):
    staff = accounts.start_session(city.engine, city.kita_staff)
    head = accounts.start_session(city.engine, city.kita_head)
    accounts.update_user(city.engine, city.admin, username="kita_staff", active=False)
    accounts.update_user(city.engine, city.admin, username="kita_head", role="ward_staff")
    assert accounts.resume_session(city.engine, staff) is None
    assert accounts.resume_session(city.engine, head) is None
    with pytest.raises(LoginFailed):
        accounts.authenticate(city.engine, "kita_staff", PASSWORD, settings=SETTINGS)
    # A display-name change keeps the login.
    chuo = accounts.start_session(city.engine, city.chuo_staff)
    accounts.update_user(city.engine, city.admin, username="chuo_staff", display_name="中央 太郎")
    assert accounts.session_valid(city.engine, chuo, city.chuo_staff)


def test_session_valid_notices_a_changed_role(city):
    token = accounts.start_session(city.engine, city.kita_head)
    with transaction(city.engine) as s:
        s.scalars(select(User).where(User.username == "kita_head")).one().role = "viewer"
    assert not accounts.session_valid(city.engine, token, city.kita_head)


# --- risk: no administrator takes over an equal or higher role ---


def test_a_crisis_admin_cannot_set_the_mayors_password(city):
    with pytest.raises(PermissionDenied):
        accounts.set_password(city.engine, city.admin, username="mayor", password="hijacked!!")
    with pytest.raises(PermissionDenied):  # nor another crisis admin's
        accounts.create_user(
            city.engine,
            city.admin,
            username="admin2",
            display_name="x",
            role="crisis_admin",
            jurisdiction_code=CITY,
            password="long-enough",
        )
    accounts.set_password(city.engine, city.mayor, username="admin", password="by-the-mayor")


def test_a_mayor_cannot_create_a_governor_nor_promote_anyone_to_mayor(city):
    with pytest.raises(PermissionDenied):
        accounts.create_user(
            city.engine,
            city.mayor,
            username="gov2",
            display_name="x",
            role="governor",
            jurisdiction_code=CITY,
            password="long-enough",
        )
    with pytest.raises(PermissionDenied):
        accounts.update_user(city.engine, city.mayor, username="admin", role="mayor")
    with pytest.raises(PermissionDenied):
        accounts.update_user(city.engine, city.admin, username="mayor", active=False)
    with pytest.raises(PermissionDenied):  # nobody raises their own role
        accounts.update_user(city.engine, city.admin, username="admin", role="governor")


# --- issue 10 #9: display name and e-mail are cleaned and bounded ---


def test_display_name_and_email_are_cleaned_and_bounded(city):
    with pytest.raises(ValidationFailed) as long:
        accounts.create_user(
            city.engine,
            city.admin,
            username="kita3",
            display_name="x" * 100_000,
            role="ward_staff",
            jurisdiction_code=KITA,
            password="long-enough",
            email="a\x00@example.jp" + "x" * 300,
        )
    assert set(long.value.fields) == {"display_name", "email"}
    assert long.value.fields["display_name"][0] == "input.too_long"
    accounts.create_user(
        city.engine,
        city.admin,
        username="kita3",
        display_name="北\x00区\u202e太郎",
        role="ward_staff",
        jurisdiction_code=KITA,
        password="long-enough",
        email=" bousai\x00@kita.example ",
    )
    with reading(city.engine) as s:
        user = s.scalars(select(User).where(User.username == "kita3")).one()
    assert (user.display_name, user.email) == ("北区太郎", "bousai@kita.example")
    with pytest.raises(ValidationFailed):
        accounts.create_user(
            city.engine,
            city.admin,
            username="bad\x00name",
            display_name="x",
            role="ward_staff",
            jurisdiction_code=KITA,
            password="long-enough",
        )


def test_failures_at_the_same_moment_all_count(city):
    """Eight wrong passwords at once (threads behind a barrier): none is lost, so a burst cannot
    slip past the throttle."""
    now, threads = utcnow(), 8
    barrier = threading.Barrier(threads)
    keys: list[str] = []

    def attempt():
        barrier.wait()
        try:
            accounts.authenticate(
                city.engine, "mayor", "bad", client="burst", now=now, settings=SETTINGS
            )
        except LoginFailed as exc:
            keys.append(exc.key)

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert keys.count("login.failed") + keys.count("login.throttled") == threads
    with reading(city.engine) as s:
        counts = sorted(s.scalars(select(LoginThrottle.failures)))
    # Tries that found the throttle closed are refused without counting as failures.
    assert counts == [keys.count("login.failed")] * 2 and counts[0] >= SETTINGS.login_max_failures
