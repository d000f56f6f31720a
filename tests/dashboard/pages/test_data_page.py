"""The data page: only command roles have it; it renders its three sections against the demo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.domain import Role
from dashboard.services import accounts, demo
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import Shelter, User
from dashboard.ui.navigation import PAGES
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.services.test_imports import GSI_SHELTER, gsi_shelter_rows, to_csv


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
    # The layouts by their published names, not the CLI's keys.
    assert at.selectbox(key="data.layout").options == (
        [
            "国土地理院 指定避難所CSV",
            "国土地理院 指定緊急避難場所CSV",
            "自治体標準オープンデータセット 指定緊急避難場所一覧",
            "自治体標準オープンデータセット 指定避難所一覧",
        ]
        if lang == "ja"
        else [
            "GSI designated shelters CSV",
            "GSI designated emergency evacuation sites CSV",
            "Standard open data set: designated emergency evacuation sites",
            "Standard open data set: designated shelters",
        ]
    )
    assert not at.error


def test_upload_preview_problems_then_confirm(actors, app_env):
    rows = gsi_shelter_rows(3)
    rows[2]["施設・場所名"] = ""
    at = open_page("data.py", actors["kikikanri"])
    at.file_uploader(key="data.shelter_file").set_value(
        ("hinanjo.csv", to_csv(rows, GSI_SHELTER, encoding="cp932"), "text/csv")
    )
    at.run()
    assert not at.exception, at.exception
    assert "国土地理院 指定避難所CSV" in at.info[0].value and "CP932" in at.info[0].value
    assert at.dataframe[0].value.shape[0] == 3  # the first rows as read
    problems = at.dataframe[1].value
    assert list(problems["行"]) == [4] and "名称が空です" in problems["理由"].iloc[0]
    engine = make_engine(app_env)
    with reading(engine) as s:
        assert s.scalar(select(func.count(Shelter.id)).where(Shelter.registry_id.is_not(None))) == 0
    at.button(key="data.confirm").click().run()
    assert not at.exception, at.exception
    assert "取り込みました" in at.success[0].value
    with reading(engine) as s:
        assert s.scalar(select(func.count(Shelter.id)).where(Shelter.registry_id.is_not(None))) == 2
    engine.dispose()


def test_staff_accounts_passwords_are_shown_once(actors):
    at = open_page("data.py", actors["kikikanri"])
    csv_text = "ユーザー名,表示名,役割,区域コード\nkita09,北区 九郎,ward_staff,27127\n"
    at.file_uploader(key="data.user_file").set_value(
        ("staff.csv", csv_text.encode("utf-8-sig"), "text/csv")
    )
    at.run()
    at.button(key="data.users_go").click().run()
    assert not at.exception, at.exception
    shown = [d.value for d in at.dataframe if "パスワード" in d.value.columns]
    assert len(shown) == 1 and list(shown[0]["ユーザー名"]) == ["kita09"]
    at.run()
    assert not [d for d in at.dataframe if "パスワード" in d.value.columns]


def test_preview_of_the_registrys_own_export_says_nothing_changes(actors, app_env):
    from dashboard.domain import SYSTEM
    from dashboard.services.exports import registry_table, render

    engine = make_engine(app_env)
    table = registry_table(engine, SYSTEM, layout_key="gsi_shelter")
    table.rows[0][table.header.index("施設・場所名")] = "改名した小学校"
    engine.dispose()
    at = open_page("data.py", actors["kikikanri"])
    at.file_uploader(key="data.shelter_file").set_value(
        ("gsi.csv", render(table, "csv")[0], "text/csv")
    )
    at.run()
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    # The GSI layout has no capacity column: the page says the stored capacities stay.
    assert "収容人数" in captions and "登録済みの値をそのまま残します" in captions
    changes = at.dataframe[1].value
    assert list(changes["項目"]) == ["名称"] and list(changes["変わる件数"]) == [1]


def test_the_export_tab_offers_the_lalert_shelter_status(actors):
    at = open_page("data.py", actors["kikikanri"])
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert "避難所情報（Lアラート・県防災情報システム向け）" in headings
