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
    text = " ".join(m.value for m in at.markdown)
    assert "大阪 市太郎" in text and "大阪市" in text
    captions = [c.value for c in at.caption]
    assert any("360" in c and "48" in c for c in captions), captions
    assert any("模式図" in c for c in captions)


def test_home_counts_only_the_ward_of_ward_staff(app, app_env):
    at = open_page("home.py", _actor(app_env, "kita-staff"), lang="en")
    captions = " ".join(c.value for c in at.caption)
    assert "1 areas · 15 shelters" in captions
