"""The data page: only command roles have it; it renders its three sections against the demo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.domain import Role
from dashboard.services import accounts, demo
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import User
from dashboard.ui.navigation import PAGES
from tests.dashboard.pages.conftest import open_page


@pytest.fixture
def actors(app_env):
    engine = make_engine(app_env)
    demo.ensure_demo(engine)
    with reading(engine) as s:
        found = {u.username: accounts.actor_for(u) for u in s.scalars(select(User))}
    yield found
    engine.dispose()


def test_only_the_command_roles_have_the_data_page():
    spec = next(p for p in PAGES if p.file == "data.py")
    assert spec.roles == {Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_page_shows_import_and_export_sections(actors, lang):
    at = open_page("data.py", actors["kikikanri"], lang=lang)
    assert [tab.label for tab in at.tabs] == (
        ["避難所台帳の取込", "職員アカウントの取込", "出力"]
        if lang == "ja"
        else ["Shelter registry import", "Staff account import", "Export"]
    )
    assert at.selectbox(key="data.layout").options == [
        "gsi_shelter",
        "gsi_emergency",
        "digital_emergency",
        "digital_shelter",
    ]
    assert not at.error
