from dashboard.demo_city import DEMO_PASSWORD
from dashboard.services.accounts import actor_for
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import User
from tests.dashboard.pages.conftest import log_in, open_page


def test_app_starts_on_the_login_page_in_japanese(app):
    assert app.title[0].value == "災害状況ダッシュボード"
    assert [t.label for t in app.text_input] == ["ユーザー名", "パスワード"]
    # Demo mode: the banner and the demo accounts are shown.
    assert any("デモモード" in i.value for i in app.info)
    assert "mayor" in app.table[0].value.to_string()


def test_wrong_password_shows_a_message(app):
    log_in(app, "mayor", "not-the-password")
    assert [e.value for e in app.error] == ["ユーザー名またはパスワードが違います。"]
    assert "actor" not in app.session_state


def test_right_password_logs_in(app):
    log_in(app, "mayor", DEMO_PASSWORD)
    assert not app.error
    assert app.session_state["actor"].username == "mayor"


def test_english_switch(app):
    app.session_state["lang"] = "en"
    app.run()
    assert app.title[0].value == "Disaster Status Dashboard"
    assert [t.label for t in app.text_input] == ["User name", "Password"]


def _actor(database_url, username):
    engine = make_engine(database_url)
    with reading(engine) as s:
        actor = actor_for(s.query(User).filter_by(username=username).one())
    engine.dispose()
    return actor


def test_home_shows_the_mayor_the_city(app, app_env):
    at = open_page("home.py", _actor(app_env, "mayor"))
    assert at.title[0].value == "大阪市の状況"
    captions = [c.value for c in at.caption]
    assert "大阪 市太郎さん、ようこそ。　担当区域：大阪市" in captions
    # The 24 wards: not the city, not the eight bureaus.
    assert "区域 24・避難所 360・被害報告 48" in captions, captions
    assert any("模式図" in c for c in captions)
    # Areas per situation level, 4 down to 0, adding up to the 24 wards.
    assert [m.label for m in at.metric] == [f"レベル{n}" for n in (4, 3, 2, 1, 0)]
    assert sum(int(m.value.removesuffix("区域")) for m in at.metric) == 24
    assert "了解待ちの指示はありません。" in captions
    assert "実施中の職員参集はありません。" in captions


def test_home_shows_the_mayor_what_waits(app, app_env):
    from dashboard.services import directives, rollcall

    engine = make_engine(app_env)
    mayor = _actor(app_env, "mayor")
    directives.send_directive(
        engine, mayor, submission_id="home-1", ward_codes=["27127", "27128"],
        title="給水所を開設してください", body="", priority="high",
    )  # fmt: skip
    rollcall.start_rollcall(engine, _actor(app_env, "kikikanri"), submission_id="home-rc",
                            scope_code="27100")  # fmt: skip
    engine.dispose()
    at = open_page("home.py", mayor)
    warnings = [w.value for w in at.warning]
    assert "了解待ちの指示 1件（最新「給水所を開設してください」了解 0/2）" in warnings
    assert any(i.value.startswith("職員参集") and "参集率 0%" in i.value for i in at.info)


def test_a_ward_lands_on_its_tasks(app, app_env):
    at = open_page("home.py", _actor(app_env, "kita-staff"))
    assert at.title[0].value == "北区の対応"
    labels = [b.label for b in at.button]
    # 全て変化なし first, then each open shelter one tap from its form, then the damage report.
    assert labels[0] == "変更なし：北区の開設中 5か所をまとめて確認"
    assert len([label for label in labels if "避難者" in label]) == 5
    assert labels[-1] == "被害を報告する"
    assert "区域 1・避難所 15・被害報告 0" in [c.value for c in at.caption]
    at.button(key="home_confirm_all").click().run()
    assert "5か所を「変更なし」として報告しました。" in [s.value for s in at.success]


def test_a_ward_sees_its_newest_directive_first(app, app_env):
    from dashboard.services import directives

    engine = make_engine(app_env)
    directives.send_directive(
        engine, _actor(app_env, "mayor"), submission_id="home-2", ward_codes=["27127"],
        title="土のうを配布してください", body="<b>至急</b> 各避難所へ", priority="urgent",
    )  # fmt: skip
    engine.dispose()
    at = open_page("home.py", _actor(app_env, "kita-staff"))
    assert at.markdown[0].value.startswith("【至急】**土のうを配布してください**")
    assert at.text[0].value == "<b>至急</b> 各避難所へ"  # as typed, never as markup
    assert [b.label for b in at.button][0] == "指示を開く"


def test_home_counts_only_the_ward_of_ward_staff(app, app_env):
    at = open_page("home.py", _actor(app_env, "kita-staff"), lang="en")
    captions = " ".join(c.value for c in at.caption)
    assert "1 areas · 15 shelters" in captions
