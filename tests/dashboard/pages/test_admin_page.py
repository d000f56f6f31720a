"""The administration page: accounts, channel targets and the audit log, against the demo city."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.errors import PermissionDenied
from dashboard.services import accounts, damage, delivery, demo, modes
from dashboard.services.damage import ReportDraft
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import ChannelTarget, User
from tests.dashboard.pages.conftest import open_page
from tests.factories import KITA_POINT

KITA = "27127"


@pytest.fixture
def city(app_env):
    """The demo city in the app's database, and its accounts as actors by user name."""
    engine = make_engine(app_env)
    demo.ensure_demo(engine)
    with reading(engine) as s:
        actors = {u.username: accounts.actor_for(u) for u in s.scalars(select(User))}
    yield engine, actors
    engine.dispose()


def table(at, index: int):
    return at.dataframe[index].value


def fill_new_user(at, username: str, password: str, again: str) -> None:
    at.text_input(key="new_username").input(username)
    at.text_input(key="new_display_name").input("北区 新人")
    at.selectbox(key="new_role").select("ward_staff")
    at.selectbox(key="new_area").select(KITA)
    at.text_input(key="new_password").input(password)
    at.text_input(key="new_password2").input(again)
    next(b for b in at.button if b.label == "作成").click().run()
    assert not at.exception, at.exception


def user_count(engine, username: str) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).where(User.username == username))


def test_admin_creates_a_ward_user_who_then_appears_with_an_audit_entry(city):
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    accounts = table(at, 0)
    assert {"mayor", "kita-staff", "chuo-head", "viewer"} <= set(accounts["ユーザー名"])
    # The governor's account lies above the city: not in the city admin's list.
    assert "governor" not in set(accounts["ユーザー名"])
    assert "区職員" in set(accounts["役割"]) and "北区" in set(accounts["担当区域"])

    fill_new_user(at, "kita-new", "pass-word-1", "pass-word-1")
    assert not at.error
    # Markdown-escaped user text: shown as typed.
    assert [s.value.replace("\\", "") for s in at.success] == [
        "アカウント「kita-new」を作成しました。"
    ]
    row = table(at, 0).set_index("ユーザー名").loc["kita-new"]
    assert (row["役割"], row["担当区域"], row["最終ログイン"]) == ("区職員", "北区", "—")
    assert at.text_input(key="new_username").value == ""  # emptied for the next account
    log = table(at, 1)
    assert list(log.iloc[0][["ユーザー", "操作", "対象"]]) == ["kikikanri", "user.created", "user"]
    assert '"jurisdiction": "27127"' in log.iloc[0]["詳細"]


def test_wrong_passwords_show_their_message_create_nothing_and_keep_the_form(city):
    engine, actors = city
    at = open_page("admin.py", actors["mayor"])
    fill_new_user(at, "kita-typo", "pass-word-1", "pass-word-2")
    assert [e.value for e in at.error] == ["2つのパスワードが一致しません。"]
    assert at.text_input(key="new_username").value == "kita-typo"
    fill_new_user(at, "kita-typo", "short", "short")
    assert [e.value for e in at.error] == ["パスワードは8文字以上にしてください。"]
    assert user_count(engine, "kita-typo") == 0


def test_setting_a_password_ends_the_accounts_logins(city):
    engine, actors = city
    token = accounts.start_session(engine, actors["kita-staff"])
    at = open_page("admin.py", actors["mayor"])
    at.selectbox(key="reset_username").select("kita-staff")
    at.text_input(key="reset_password").input("new-pass-word")
    at.text_input(key="reset_password2").input("new-pass-word")
    next(b for b in at.button if b.label == "パスワードを設定").click().run()
    assert not at.exception and not at.error, at.error
    assert accounts.resume_session(engine, token) is None
    assert accounts.authenticate(engine, "kita-staff", "new-pass-word").username == "kita-staff"


def test_deactivating_an_account_shows_it_and_ends_its_logins(city):
    engine, actors = city
    token = accounts.start_session(engine, actors["kita-staff"])
    at = open_page("admin.py", actors["kikikanri"])
    at.selectbox(key="change_username").select("kita-staff").run()
    kita_id = actors["kita-staff"].user_id
    at.checkbox(key=f"change_active_{kita_id}").uncheck()
    next(b for b in at.button if b.label == "変更").click().run()
    assert not at.exception and not at.error, at.error
    assert table(at, 0).set_index("ユーザー名")["状態"]["kita-staff"] == "停止中"
    assert accounts.resume_session(engine, token) is None


def test_the_mayors_account_cannot_be_changed_by_the_crisis_admin(city):
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    at.selectbox(key="change_username").select("mayor").run()
    at.selectbox(key=f"change_role_{actors['mayor'].user_id}").select("viewer")
    next(b for b in at.button if b.label == "変更").click().run()
    assert [e.value for e in at.error] == ["この操作を行う権限がありません。"]
    with reading(engine) as s:
        assert s.scalars(select(User.role).where(User.username == "mayor")).one() == "mayor"


def test_administrators_are_warned_while_demo_mode_is_on(city):
    _, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    assert any("デモモード" in w.value for w in at.warning)


def test_admin_adds_an_email_channel_and_sees_webhook_problems(city):
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    assert any("秘密情報" in c.value for c in at.caption)
    at.segmented_control(key="channel_kind").set_value("email").run()
    at.selectbox(key="channel_area").select(KITA)
    at.text_input(key="channel_value").input("bousai@kita.example, duty@kita.example")
    next(b for b in at.button if b.label == "追加").click().run()
    assert not at.exception and not at.error, at.error
    texts = [x.value for x in at.text]
    assert "北区" in texts and '{"to": ["bousai@kita.example", "duty@kita.example"]}' in texts
    assert [v.value for v in at.toggle] == [True]

    at.toggle[0].set_value(False).run()
    assert [v.enabled for v in delivery.list_channel_targets(engine, actors["mayor"])] == [False]
    assert [v.value for v in at.toggle] == [False]

    at.segmented_control(key="channel_kind").set_value("webhook").run()
    at.text_input(key="channel_value").input("ftp://kita.example/hook")
    next(b for b in at.button if b.label == "追加").click().run()
    # In the admin's language, next to the form.
    assert any("http:// または https://" in e.value for e in at.error), at.error
    assert at.text_input(key="channel_value").value == "ftp://kita.example/hook"

    # A typed address is quoted in the message as typed, never as Markdown.
    at.segmented_control(key="channel_kind").set_value("email").run()
    at.text_input(key="channel_value").input("**boss**@kita")
    next(b for b in at.button if b.label == "追加").click().run()
    (error,) = at.error
    assert "メールアドレスとして使えません" in error.value
    assert r"\*\*boss\*\*@kita" in error.value
    with reading(engine) as s:
        assert s.scalar(select(func.count()).select_from(ChannelTarget)) == 1


def test_a_ward_head_cannot_use_the_admin_services(city):
    engine, actors = city
    head = actors["kita-head"]
    with pytest.raises(PermissionDenied):
        accounts.list_users(engine, head)
    with pytest.raises(PermissionDenied):
        accounts.create_user(
            engine,
            head,
            username="sneaky",
            display_name="x",
            role="ward_staff",
            jurisdiction_code=KITA,
            password="long-enough",
        )
    with pytest.raises(PermissionDenied):
        accounts.set_password(engine, head, username="kita-staff", password="long-enough")
    with pytest.raises(PermissionDenied):
        delivery.add_channel_target(
            engine, head, jurisdiction_code=KITA, kind="email", config={"to": ["a@b.example"]}
        )
    with pytest.raises(PermissionDenied):
        accounts.list_audit(engine, head)
    # Opened anyway (by URL), the page shows the refusal and nothing else.
    at = open_page("admin.py", head)
    assert [e.value for e in at.error] == ["この操作を行う権限がありません。"]
    assert not at.dataframe and not at.tabs
    assert user_count(engine, "sneaky") == 0


def test_audit_entries_of_a_drill_stay_and_are_marked_after_the_drill_is_cleared(city):
    engine, actors = city
    modes.start_drill(engine, actors["kikikanri"], name="図上訓練")
    draft = ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=2)
    damage.submit_report(engine, actors["kita-staff"], draft, submission_id="drill-report")
    modes.end_drill(engine, actors["kikikanri"])
    modes.clear_drill_data(engine, actors["kikikanri"])

    log = table(open_page("admin.py", actors["kikikanri"]), 1)
    actions = list(log["操作"])
    assert actions[:2] == ["drill.cleared", "drill.ended"]
    # The drill's report is gone, but the audit log still says it was made, marked as drill.
    assert "【訓練】damage_report.submitted" in actions


def test_a_lineworks_room_can_take_its_acknowledgements_through_the_bot_callback(city):
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    at.segmented_control(key="channel_kind").set_value("lineworks").run()
    at.selectbox(key="channel_area").select(KITA)
    at.text_input(key="channel_value").input(" room-kita ")
    at.checkbox(key="channel_option").check()
    next(b for b in at.button if b.label == "追加").click().run()
    assert not at.exception and not at.error, at.error
    (target,) = delivery.list_channel_targets(engine, actors["mayor"])
    assert (target.kind, target.config) == (
        "lineworks",
        {"channel_id": "room-kita", "ack_action": "message"},
    )
    assert not at.checkbox(key="channel_option").value  # the form is emptied for the next one
