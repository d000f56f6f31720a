"""Roll-call pages: the crisis office starts one, a staff member answers by personal link without
logging in, the board changes; a ward head sees their ward only, the mayor no names."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.services import demo, rollcall
from dashboard.services.accounts import actor_for
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import DEMO_SECRET
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import RollCallRecipient, StaffMember, User, utcnow
from tests.dashboard.pages.conftest import APP, PAGES
from tests.factories import without_demo_register

STAFF_CSV = (
    "employee_number,name,unit_code,tier,email\n"
    "K1,北 一郎,27127,1,k1@example.lg.jp\n"
    "K2,北 二郎,27127,2,k2@example.lg.jp\n"
    "C1,中央 一子,27128,1,c1@example.lg.jp\n"
).encode()


@pytest.fixture
def city(app_env):
    engine = make_engine(app_env)
    demo.ensure_demo(engine)
    with reading(engine) as s:
        actors = {u.username: actor_for(u) for u in s.scalars(select(User))}
    without_demo_register(engine)
    rollcall.import_staff(engine, actors["kikikanri"], STAFF_CSV, dry_run=False)
    yield engine, actors
    engine.dispose()


def page(name: str, actor, *, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=60)
    at.session_state["actor"] = actor
    at.session_state["lang"] = "ja"
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def token_of(engine, number: str) -> str:
    with reading(engine) as s:
        recipient_id, staff_id = s.execute(
            select(RollCallRecipient.id, StaffMember.id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(StaffMember.employee_number == number)
        ).one()
    return make_answer_token(recipient_id, staff_id, secret=DEMO_SECRET, now=utcnow())


def board_row(at: AppTest, unit: str) -> dict:
    frame = at.dataframe[0].value
    return frame[frame["所属"] == unit].iloc[0].to_dict()


def test_start_answer_on_the_phone_page_and_the_board_changes(city):
    engine, actors = city
    at = page("rollcall.py", actors["kikikanri"])
    assert at.info[0].value == "安否確認はまだありません。"
    next(b for b in at.button if b.label == "開始する").click().run()  # everyone of 大阪市
    assert not at.exception, at.exception
    assert board_row(at, "北区")["対象"] == 2 and board_row(at, "北区")["回答"] == 0

    answer = page("rollcall_answer.py", None, query={"token": token_of(engine, "K1")})
    assert "北 一郎" in answer.caption[0].value
    send = next(b for b in answer.button if b.label == "回答を送信")
    assert send.disabled  # nothing chosen yet for 参集
    answer.segmented_control(key="attendance").set_value("arrived").run()
    next(b for b in answer.button if b.label == "回答を送信").click().run()
    assert not answer.exception, answer.exception
    assert "受け付けました" in answer.success[0].value
    assert "無事・到着済" in answer.info[0].value

    at.run()
    row = board_row(at, "北区")
    assert (row["回答"], row["無事"], row["到着"], row["参集率"]) == (1, 1, 1, "50%")
    assert list(at.dataframe[1].value["氏名"]) == ["北 二郎", "中央 一子"]


def test_a_ward_head_sees_their_ward_and_the_mayor_sees_no_names(city):
    engine, actors = city
    rollcall.start_rollcall(engine, actors["kikikanri"], submission_id="s", scope_code="27100")
    head = page("rollcall.py", actors["kita-head"])
    assert list(head.dataframe[0].value["所属"])[:-1] == ["北区"]
    assert list(head.dataframe[1].value["氏名"]) == ["北 一郎", "北 二郎"]
    assert not head.form  # only command roles start
    mayor = page("rollcall.py", actors["mayor"])
    assert len(mayor.dataframe) == 1 and not mayor.get("download_button")


def test_a_tampered_link_shows_why_and_no_form(city):
    engine, actors = city
    rollcall.start_rollcall(engine, actors["kikikanri"], submission_id="s", scope_code="27100")
    token = token_of(engine, "K1")
    bad = page("rollcall_answer.py", None, query={"token": token[:-3] + "abc"})
    assert "無効か期限切れ" in bad.error[0].value and not bad.button


def test_the_app_lets_a_valid_answer_link_through_without_login(city):
    engine, actors = city
    rollcall.start_rollcall(engine, actors["kikikanri"], submission_id="s", scope_code="27100")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["token"] = token_of(engine, "C1")
    at.run()  # the root URL: the login page stands as the default
    at.switch_page("pages/rollcall_answer.py").run()  # the link's own path, /rollcall_answer
    assert not at.exception, at.exception
    assert at.title[0].value == "安否確認・参集の回答"
    assert "中央 一子" in at.caption[0].value
    login = AppTest.from_file(APP, default_timeout=60)
    login.query_params["token"] = token_of(engine, "C1")[:-2] + "zz"
    login.run()
    assert [t.label for t in login.text_input] == ["ユーザー名", "パスワード"]


def test_the_crisis_office_takes_a_person_out_of_future_rollcalls(city):
    engine, actors = city
    at = page("rollcall.py", actors["kikikanri"])
    at.text_input(key="rollcall_staff_number").input("K2").run()
    next(b for b in at.button if b.label.startswith("今後の安否確認から外す")).click().run()
    assert not at.exception, at.exception
    assert [p.active for p in rollcall.list_staff(engine, actors["kikikanri"])] == [
        True,
        False,
        True,
    ]
    started = rollcall.start_rollcall(
        engine, actors["kikikanri"], submission_id="s", scope_code="27100"
    )
    assert rollcall.board(engine, actors["kikikanri"], started).total.required == 2
