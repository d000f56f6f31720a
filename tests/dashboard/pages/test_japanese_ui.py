"""Every page for every kind of demo user, in Japanese: no English word left (bar a short list of
product and format names), no select box left to Streamlit's "Choose an option", no empty table
left to its "empty". The demo holds data on every page (a directive, a roll-call, a drill-free
disaster), so the tables and messages a user meets are there to be read."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.demo_city import DEMO_PASSWORD
from dashboard.services import demo, directives, rollcall
from dashboard.services.accounts import actor_for
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import User
from dashboard.ui import navigation, state
from tests.dashboard.pages.conftest import APP
from tests.dashboard.pages.latin import english_left

# One user of each kind: governor, mayor, crisis office, ward head and staff, viewer, a bureau's
# head, and the head of a municipality without wards.
USERS = ("governor", "mayor", "kikikanri", "kita-head", "kita-staff", "viewer",
         "kensetsu-head", "sakai-head")  # fmt: skip


@pytest.fixture
def demo_data(app_env):
    """The demo, a directive to 北区 and a running roll-call: the pages show what they hold."""
    engine = make_engine(app_env)
    demo.ensure_demo(engine)
    with reading(engine) as s:
        users = {u.username: actor_for(u) for u in s.scalars(select(User))}
    directives.send_directive(
        engine, users["mayor"], submission_id="ja-ui", ward_codes=["27127", "D00002"],
        title="避難所の開設状況を報告してください", body="", priority="high",
    )  # fmt: skip
    rollcall.start_rollcall(engine, users["kikikanri"], submission_id="ja-ui", scope_code="27100")
    yield users
    engine.dispose()


@pytest.mark.parametrize("username", USERS)
def test_every_page_is_in_japanese(demo_data, username):
    actor = demo_data[username]
    department = navigation.home_is_department(state.get_engine(), actor)
    names = list(demo_data)  # user names are data, shown as typed
    left = {}
    for spec in navigation.specs_for(actor, department=department):
        if spec.hidden:
            continue  # reached by link only, tested with their links
        at = AppTest.from_file(str(navigation.PAGES_DIR / spec.file), default_timeout=60)
        at.session_state["actor"] = actor
        at.session_state["lang"] = "ja"
        at.run()
        assert not at.exception, (spec.file, at.exception)
        if found := english_left(at, data=names):
            left[spec.file] = sorted(found)
    assert left == {}


def test_the_login_page_is_in_japanese(demo_data):
    """(The shell around the pages, sidebar and banners, is walked in Chromium: AppTest runs an
    ``st.navigation`` app's entry script only once.)"""
    # The language switch names the other language in that language; the demo password is data.
    data = [*demo_data, DEMO_PASSWORD, "English", "Language"]
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert english_left(at, data=data) == set()
