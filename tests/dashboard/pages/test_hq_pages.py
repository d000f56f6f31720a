"""The HQ on the pages: the roster tab of the administration page and the send form's one-click
groups, against the demo city (Osaka City's bureaus with a head and a deputy each)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.demo_city import DEPARTMENTS
from dashboard.services import accounts, demo, hq
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import User
from tests.dashboard.pages.conftest import open_page

KENSETSU = next(d for d in DEPARTMENTS if d[4] == "kensetsu")[0]


@pytest.fixture
def city(app_env):
    engine = make_engine(app_env)
    demo.ensure_demo(engine)
    with reading(engine) as s:
        actors = {u.username: accounts.actor_for(u) for u in s.scalars(select(User))}
    yield engine, actors
    engine.dispose()


def test_the_roster_tab_lists_bureaus_and_swaps_head_and_deputy_keeping_history(city):
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    [roster] = [d.value for d in at.dataframe if "組織" in d.value.columns]  # the roster table
    row = roster[roster["組織"] == "建設局"].iloc[0]
    assert (row["本部員"], row["種別"]) == ("○", "建設・道路")
    assert row["長"].startswith("建設局長") and row["代行者（順位順）"].startswith("1. 建設局")
    at.selectbox(key="hq_unit").select(KENSETSU).run()
    ids = {name: actors[name].user_id for name in ("kensetsu-head", "kensetsu-deputy")}
    at.selectbox(key=f"hq_head_{KENSETSU}").select(ids["kensetsu-deputy"])
    at.multiselect(key=f"hq_deputies_{KENSETSU}").set_value([ids["kensetsu-head"]])
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception and not at.error, at.error
    assert any("保存しました" in s.value for s in at.success)
    [unit] = [u for u in hq.list_roster(engine, actors["kikikanri"]) if u.code == KENSETSU]
    assert [h.username for h in unit.holders] == ["kensetsu-deputy", "kensetsu-head"]
    assert len(hq.holder_history(engine, actors["kikikanri"], KENSETSU)) == 4


def test_the_send_form_selects_departments_hq_members_and_a_templates_bureau(city):
    _, actors = city
    at = open_page("directives.py", actors["mayor"])
    next(b for b in at.button if b.label == "すべての部局").click().run()
    assert len(at.multiselect(key="directive_targets").value) == len(DEPARTMENTS)
    next(b for b in at.button if b.label == "本部員すべて").click().run()
    assert len(at.multiselect(key="directive_targets").value) == 24 + len(DEPARTMENTS)
    at.selectbox(key="directive_template").select("clear_roads").run()
    assert at.multiselect(key="directive_targets").value == [KENSETSU]


def test_a_bureau_head_has_an_inbox_but_no_send_or_board(city):
    _, actors = city
    at = open_page("directives.py", actors["kensetsu-head"])
    assert not [b for b in at.button if b.label == "指示を送信"]
    assert any("受信した指示はありません" in i.value for i in at.info)


def test_a_bureau_user_sees_the_citys_situation_map_of_24_wards(city):
    from tests.dashboard.pages.test_map_page import map_payload

    _, actors = city
    at = open_page("map.py", actors["kensetsu-deputy"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["報告あり／全区域"].endswith("/ 24")
    assert len(map_payload(at)["areas"]["features"]) == 24


def test_a_bureau_user_is_told_damage_is_reported_by_the_wards(city):
    _, actors = city
    at = open_page("damage.py", actors["kensetsu-head"])
    assert any("部局のアカウントでは" in i.value for i in at.info)
    assert not [b for b in at.button if "送信" in b.label]
