"""The page a user with a one-time password gets instead of every other (AppTest, both DBs)."""

from __future__ import annotations

import pytest

from dashboard.services import accounts
from dashboard.storage.db import make_engine
from tests import factories
from tests.dashboard.pages.conftest import open_page

ONE_TIME = "one-time-pass-123"
OWN = "my-own-password-456"


@pytest.fixture
def engine(app_env):
    engine = make_engine(app_env)
    city = factories.make_city(engine)
    accounts.set_password(engine, city.admin, username="kita_staff", password=ONE_TIME)
    yield engine
    engine.dispose()


def fill(at, current: str, new: str, again: str):
    at.text_input(key="pw_current").input(current)
    at.text_input(key="pw_new").input(new)
    at.text_input(key="pw_again").input(again)
    next(b for b in at.button if b.label == "パスワードを設定").click().run()
    assert not at.exception, at.exception
    return at


def test_wrong_entries_are_explained_and_the_right_one_starts_a_normal_login(engine):
    actor = accounts.authenticate(engine, "kita_staff", ONE_TIME)
    at = open_page("change_password.py", actor)
    assert at.title[0].value == "パスワードの設定"

    fill(at, ONE_TIME, OWN, OWN + "x")
    assert [e.value for e in at.error] == ["確認用のパスワードが一致しません。"]
    fill(at, "not-the-one", OWN, OWN)
    assert [e.value for e in at.error] == ["現在のパスワードが違います。"]
    assert at.session_state["actor"].must_change_password

    fill(at, ONE_TIME, OWN, OWN)
    assert not at.error
    now = at.session_state["actor"]
    assert now.username == "kita_staff" and not now.must_change_password
    assert accounts.session_valid(engine, at.session_state["session_token"], now)
    assert not accounts.authenticate(engine, "kita_staff", OWN).must_change_password


def test_the_page_speaks_english_too(engine):
    at = open_page(
        "change_password.py", accounts.authenticate(engine, "kita_staff", ONE_TIME), lang="en"
    )
    assert at.title[0].value == "Set your password"
    assert any("one-time password" in i.value for i in at.info)
