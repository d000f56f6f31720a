"""Pages of directives, disaster mode, drills, the chronology, the ack link and the live banner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from dashboard.channels.signing import make_ack_token
from dashboard.services import demo, directives, disaster
from dashboard.services.accounts import actor_for
from dashboard.settings import DEMO_SECRET
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import (
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    Exercise,
    User,
    utcnow,
)
from tests.dashboard.pages.conftest import APP, PAGES, open_page

KITA, CHUO = "27127", "27128"


@pytest.fixture(autouse=True)
def _no_worker_thread(monkeypatch):
    # Runs before app_env: app runs in this process start no delivery worker of their own.
    monkeypatch.setenv("DASHBOARD_WORKER_IN_APP", "false")


@pytest.fixture
def city(app_env):
    """The demo city in the app's database, and its accounts as actors by user name."""
    engine = make_engine(app_env)
    demo.ensure_demo(engine)
    with reading(engine) as s:
        actors = {u.username: actor_for(u) for u in s.scalars(select(User))}
    yield engine, actors
    engine.dispose()


def send(engine, actors, wards=(KITA, CHUO)) -> int:
    return directives.send_directive(
        engine, actors["mayor"], submission_id="s", ward_codes=list(wards), template="open_shelters"
    )


def delivery(engine, ward: str) -> DirectiveDelivery:
    with reading(engine) as s:
        return s.scalars(
            select(DirectiveDelivery).where(DirectiveDelivery.jurisdiction_code == ward)
        ).one()


def page(name: str, actor, *, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=60)
    at.session_state["actor"] = actor
    at.session_state["lang"] = "ja"
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_mayor_sends_from_a_template_with_one_click(city):
    engine, actors = city
    at = open_page("directives.py", actors["mayor"])
    at.selectbox(key="directive_template").select("open_shelters").run()
    assert at.text_input(key="directive_title").value == "避難所を開設してください"
    assert at.segmented_control(key="directive_priority").value == "urgent"
    next(b for b in at.button if b.label == "すべて選択").click().run()
    assert len(at.multiselect(key="directive_targets").value) == 24 + 8  # wards and bureaus
    next(b for b in at.button if b.label == "すべての区").click().run()
    assert len(at.multiselect(key="directive_targets").value) == 24
    at.multiselect(key="directive_targets").set_value([KITA, CHUO]).run()
    next(b for b in at.button if b.label == "指示を送信").click().run()
    assert not at.exception, at.exception
    assert any("指示を送信しました" in s.value for s in at.success)
    # The send button is gone until "new directive": a second click cannot send again.
    assert not [b for b in at.button if b.label == "指示を送信"]
    with reading(engine) as s:
        assert s.scalar(select(func.count()).select_from(Directive)) == 1
        assert s.scalar(select(func.count()).select_from(DirectiveDelivery)) == 2


def test_sending_without_a_title_shows_the_reason(city):
    engine, actors = city
    at = open_page("directives.py", actors["kikikanri"])
    at.multiselect(key="directive_targets").set_value([KITA]).run()
    next(b for b in at.button if b.label == "指示を送信").click().run()
    assert [e.value for e in at.error] == ["件名を入力してください。"]
    with reading(engine) as s:
        assert s.scalar(select(func.count()).select_from(Directive)) == 0


def test_sending_the_same_title_again_from_a_new_form_asks_first(city):
    engine, actors = city
    send(engine, actors)  # 避難所を開設してください to 北区 and 中央区, a moment ago
    at = open_page("directives.py", actors["mayor"])
    at.selectbox(key="directive_template").select("open_shelters").run()
    at.multiselect(key="directive_targets").set_value([KITA, CHUO]).run()
    next(b for b in at.button if b.label == "指示を送信").click().run()
    assert not at.exception, at.exception
    assert any("1分以内に同じ送信先" in w.value for w in at.warning)
    with reading(engine) as s:
        assert s.scalar(select(func.count()).select_from(Directive)) == 1
    next(b for b in at.button if b.label == "もう一度送信する").click().run()
    assert any("指示を送信しました" in s.value for s in at.success)
    with reading(engine) as s:
        assert s.scalar(select(func.count()).select_from(Directive)) == 2


def test_board_shows_the_share_acknowledged(city):
    engine, actors = city
    send(engine, actors)
    directives.acknowledge(engine, actors["kita-head"], delivery(engine, KITA).id)
    at = AppTest.from_file(str(PAGES / "directives.py"), default_timeout=60)
    at.session_state["actor"] = actors["mayor"]
    at.session_state["lang"] = "ja"
    at.session_state["directive_view"] = "board"
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["了解率"] == "50%" and metrics["了解"] == "1/2"
    table = at.dataframe[0].value
    assert list(table["区"]) == ["北区", "中央区"] and table["了解"][1] == ""
    assert any(b.label == "未了解の1区に再送" for b in at.button)


def test_ward_head_opens_from_the_banner_link_and_acknowledges(city):
    engine, actors = city
    send(engine, actors)
    kita = delivery(engine, KITA).id
    at = page("directives.py", actors["kita-head"], query={"delivery": str(kita)})
    assert delivery(engine, KITA).read_at is not None  # opening records read
    assert any("区内の指定避難所を直ちに開設" in t.value for t in at.text)
    next(b for b in at.button if b.label == "了解").click().run()
    assert not at.exception, at.exception
    assert delivery(engine, KITA).acknowledged_by_id == actors["kita-head"].user_id
    assert any("了解しました" in s.value for s in at.success)
    # Cannot comply without a reason is refused with the reason asked for.
    at.radio[0].set_value("cannot")
    next(b for b in at.button if b.label == "回答を送信").click().run()
    assert any("対応できない理由を入力してください" in e.value for e in at.error)
    assert delivery(engine, KITA).answer_status is None


def test_ward_staff_read_but_the_head_acknowledges(city):
    engine, actors = city
    send(engine, actors)
    at = page("directives.py", actors["kita-staff"])
    assert [m.value.splitlines()[0] for m in at.markdown][:1] == ["**避難所を開設してください**  "]
    next(b for b in at.button if b.label == "開く").click().run()
    assert any("区長が行います" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "了解"]
    assert delivery(engine, KITA).read_by_id == actors["kita-staff"].user_id


def test_declaring_and_ending_disaster_mode_from_the_page(city):
    engine, actors = city
    at = open_page("disaster_mode.py", actors["mayor"])
    next(b for b in at.button if b.label == "宣言する").click().run()
    # Asked once: nothing declared before the answer.
    assert any("災害モード（警戒配備）を宣言します" in w.value for w in at.warning)
    with reading(engine) as s:
        assert s.scalars(select(DisasterDeclaration)).all() == []
    next(b for b in at.button if b.label == "はい、宣言する").click().run()
    assert not at.exception, at.exception
    with reading(engine) as s:
        (declaration,) = s.scalars(select(DisasterDeclaration)).all()
        assert declaration.level == 1 and declaration.ended_at is None
    assert any("警戒配備" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.label == "宣言する"]  # the city is declared already
    next(b for b in at.button if b.label == "災害モードを終了").click().run()
    with reading(engine) as s:
        assert s.scalars(select(DisasterDeclaration.ended_at)).one() is None  # asked first
    next(b for b in at.button if b.label == "はい、終了する").click().run()
    with reading(engine) as s:
        assert s.scalars(select(DisasterDeclaration.ended_at)).one() is not None


def test_drill_start_end_and_clear_from_the_page(city):
    engine, actors = city
    at = open_page("disaster_mode.py", actors["kikikanri"])
    at.text_input[0].input("冬季総合防災訓練")
    next(b for b in at.button if b.label == "訓練を開始").click().run()
    assert any("冬季総合防災訓練" in w.value for w in at.warning)
    send(engine, actors)
    next(b for b in at.button if b.label == "訓練を終了").click().run()
    assert any("訓練「冬季総合防災訓練」を終了します" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "はい、終了する").click().run()
    clear = next(b for b in at.button if b.label == "訓練データを削除")
    assert clear.disabled
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "訓練データを削除").click().run()
    assert not at.exception, at.exception
    with reading(engine) as s:
        assert s.scalar(select(func.count()).select_from(Directive)) == 0
        assert s.scalars(select(Exercise.cleared_at)).one() is not None


def test_chronology_lists_and_exports(city):
    engine, actors = city
    send(engine, actors)
    directives.acknowledge(engine, actors["kita-head"], delivery(engine, KITA).id)
    at = open_page("chronology.py", actors["mayor"])
    table = at.dataframe[0].value
    assert list(table["種別"][:3]) == ["了解", "既読", "指示"]  # newest first
    assert any("件" in c.value for c in at.caption)
    assert at.get("download_button")


def test_ack_link_asks_for_a_click_then_acknowledges(city):
    engine, actors = city
    send(engine, actors)
    kita = delivery(engine, KITA).id
    token = make_ack_token(kita, DEMO_SECRET, expires_at=utcnow() + timedelta(hours=1))
    at = page("ack.py", None, query={"token": token})
    assert at.subheader[0].value == "避難所を開設してください"
    assert delivery(engine, KITA).acknowledged_at is None  # opening alone does not acknowledge
    at.button[0].click().run()
    assert any("了解しました" in s.value for s in at.success)
    assert delivery(engine, KITA).acknowledged_at is not None
    bad = page("ack.py", None, query={"token": token[:-2] + "xx"})
    assert "無効か期限切れ" in bad.error[0].value


def test_app_lets_a_valid_ack_link_through_without_login(city):
    engine, actors = city
    send(engine, actors)
    token = make_ack_token(
        delivery(engine, KITA).id, DEMO_SECRET, expires_at=utcnow() + timedelta(1)
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["token"] = token
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "指示の了解"
    login = AppTest.from_file(APP, default_timeout=60)
    login.query_params["token"] = "1.2.forged"
    login.run()
    assert [t.label for t in login.text_input] == ["ユーザー名", "パスワード"]


def test_live_banner_shows_new_directives_and_the_disaster_clock(city):
    engine, actors = city
    disaster.declare_disaster(
        engine, actors["mayor"], submission_id="d", level=3, scope_code="27100",
        now=utcnow() - timedelta(minutes=75),
    )  # fmt: skip
    at = AppTest.from_file(APP, default_timeout=60)  # the shell around the home page
    at.session_state["actor"] = actors["kita-head"]
    at.session_state["lang"] = "ja"
    at.run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("災害モード" in e and "1時間15分" in e and "第2非常配備" in e for e in errors)
    assert any("新しい指示" in e and "本部稼働の確認" in e for e in errors)  # the roll call
    # A viewer has no inbox: the disaster banner only.
    at.session_state["actor"] = actors["viewer"]
    at.run()
    assert [e.value for e in at.error if "新しい指示" in e.value] == []
