"""Department (部局) users in the shell: no ward-data pages in the menu, and their role read as
部局長 / 部局職員 where people see it (sidebar, accounts table, demo accounts). Demo city."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.i18n import translate
from dashboard.services import accounts, demo
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import User
from dashboard.ui import navigation
from tests.dashboard.pages.conftest import open_page

# The menu entries a department user must not see (their services refuse its writes).
WARD_DATA_PAGES = {"避難所状況", "被害報告", "区の即報確認"}


@pytest.fixture
def city(app_env):
    engine = make_engine(app_env)
    demo.ensure_demo(engine)
    with reading(engine) as s:
        actors = {u.username: accounts.actor_for(u) for u in s.scalars(select(User))}
    yield engine, actors
    engine.dispose()


def _menu(engine, actor) -> set[str]:
    department = navigation.home_is_department(engine, actor)
    specs = navigation.specs_for(actor, department=department)
    return {translate(spec.title_key, "ja") for spec in specs if not spec.hidden}


def test_a_bureau_head_has_no_shelter_damage_or_ward_figures_page_but_a_ward_head_has(city):
    engine, actors = city
    bureau, ward = _menu(engine, actors["kensetsu-head"]), _menu(engine, actors["kita-head"])
    assert WARD_DATA_PAGES <= ward
    assert not WARD_DATA_PAGES & bureau
    assert {"ホーム", "状況地図", "指示"} <= bureau  # its inbox and the situation map stay
    assert ward - bureau == WARD_DATA_PAGES


def test_while_the_database_is_away_the_menu_falls_back_to_the_role_pages(city, tmp_path):
    _, actors = city
    away = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'db.sqlite3'}")
    try:
        assert WARD_DATA_PAGES <= _menu(away, actors["kensetsu-head"])
    finally:
        away.dispose()


def _sidebar_script():
    # The shell's sidebar alone: AppTest runs an st.navigation app's pages, not its sidebar.
    from dashboard.ui import chrome, state

    chrome.sidebar(state.get_engine(), state.current_actor())


@pytest.mark.parametrize(
    ("username", "lang", "role"),
    [
        ("kensetsu-head", "ja", "部局長"),
        ("kensetsu-head", "en", "Department head"),
        ("kita-head", "ja", "区長"),
        ("kita-staff", "en", "Ward staff"),
    ],
)
def test_the_sidebar_names_a_bureau_heads_role_as_department_head(city, username, lang, role):
    _, actors = city
    at = AppTest.from_function(_sidebar_script, default_timeout=60)
    at.session_state["actor"] = actors[username]
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    [line] = [c.value for c in at.sidebar.caption]
    assert f"（{role}・" in line or f"({role}, " in line, line


def test_the_accounts_table_shows_department_roles(city):
    engine, actors = city
    accounts.create_user(
        engine,
        actors["kikikanri"],
        username="kensetsu-staff",
        display_name="建設局 職員",
        role="ward_staff",
        jurisdiction_code=actors["kensetsu-head"].jurisdiction_code,
        password="a-long-enough-password-1",
    )
    at = open_page("admin.py", actors["kikikanri"])
    [table] = [d.value for d in at.dataframe if "ユーザー名" in d.value.columns]
    roles = dict(zip(table["ユーザー名"], table["役割"], strict=True))
    assert roles["kensetsu-head"] == "部局長"
    assert roles["kensetsu-staff"] == "部局職員"
    assert (roles["kita-head"], roles["kita-staff"]) == ("区長", "区職員")


def test_the_demo_accounts_on_the_login_page_show_bureau_heads_as_department_heads(app):
    rows = app.table[0].value
    roles = dict(zip(rows.iloc[:, 0], rows.iloc[:, 1], strict=True))
    assert roles["kensetsu-head"] == "部局長" and roles["kita-head"] == "区長"
