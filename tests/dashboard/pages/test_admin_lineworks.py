"""Linking LINE WORKS users on the administration page: an account's id when it is created or
changed, a register person's id; one id per account and per register person, refused in the
administrator's language with nothing stored."""

from __future__ import annotations

from sqlalchemy import select

from dashboard.services import rollcall
from dashboard.storage.db import reading
from dashboard.storage.models import StaffMember, User
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.pages.test_rollcall_pages import city  # noqa: F401

KITA = "27127"
TAKEN = "この LINE WORKS ID は別のアカウントに登録されています。"


def linked(engine, username: str) -> str | None:
    with reading(engine) as s:
        return s.scalar(select(User.lineworks_user_id).where(User.username == username))


def staff_linked(engine, number: str) -> str | None:
    with reading(engine) as s:
        return s.scalar(
            select(StaffMember.lineworks_user_id).where(StaffMember.employee_number == number)
        )


def click(at, label: str, form: str = "") -> None:
    next(b for b in at.button if b.label == label and form in str(b.form_id)).click().run()
    assert not at.exception, at.exception


def change_lineworks(at, actors, username: str, value: str) -> None:
    at.selectbox(key="change_username").select(username).run()
    at.text_input(key=f"change_lineworks_{actors[username].user_id}").input(value)
    click(at, "変更", "admin_change_user")


def test_a_new_account_is_created_linked_and_the_list_shows_its_id(city):  # noqa: F811
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    at.text_input(key="new_username").input("kita-lw")
    at.selectbox(key="new_area").select(KITA)
    at.text_input(key="new_lineworks").input(" kita-lw@example-city ")
    at.text_input(key="new_password").input("pass-word-1")
    at.text_input(key="new_password2").input("pass-word-1")
    click(at, "作成", "admin_create_user")
    assert not at.error, at.error
    assert linked(engine, "kita-lw") == "kita-lw@example-city"
    shown = at.dataframe[0].value.set_index("ユーザー名")
    assert shown.loc["kita-lw", "LINE WORKS"] == "kita-lw@example-city"
    assert at.text_input(key="new_lineworks").value == ""  # emptied for the next account


def test_an_account_is_linked_and_unlinked_by_the_change_form(city):  # noqa: F811
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    change_lineworks(at, actors, "kita-staff", "lw-kita-staff")
    assert not at.error, at.error
    assert linked(engine, "kita-staff") == "lw-kita-staff"
    # The form shows the stored id when the account is chosen again.
    at.selectbox(key="change_username").select("chuo-head").run()
    at.selectbox(key="change_username").select("kita-staff").run()
    assert at.text_input(key=f"change_lineworks_{actors['kita-staff'].user_id}").value == (
        "lw-kita-staff"
    )
    change_lineworks(at, actors, "kita-staff", "")
    assert linked(engine, "kita-staff") is None


def test_one_id_per_account_is_refused_with_a_clear_message(city):  # noqa: F811
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    change_lineworks(at, actors, "kita-staff", "lw-shared")
    change_lineworks(at, actors, "chuo-head", "lw-shared")
    assert [e.value for e in at.error] == [TAKEN]
    # The form keeps what was typed; nothing was stored.
    assert at.text_input(key=f"change_lineworks_{actors['chuo-head'].user_id}").value == (
        "lw-shared"
    )
    assert (linked(engine, "kita-staff"), linked(engine, "chuo-head")) == ("lw-shared", None)

    # (The English texts are checked on the service: tests/dashboard/services/chatbot/
    # test_linking.py; AppTest cannot rerun this page in English, its selectboxes' labels are
    # formatted outside the session.)


def test_a_new_account_with_a_taken_id_is_not_created(city):  # noqa: F811
    engine, actors = city
    at = open_page("admin.py", actors["kikikanri"])
    change_lineworks(at, actors, "kita-staff", "lw-taken")
    at.text_input(key="new_username").input("kita-dup")
    at.text_input(key="new_lineworks").input("lw-taken")
    at.text_input(key="new_password").input("pass-word-1")
    at.text_input(key="new_password2").input("pass-word-1")
    click(at, "作成", "admin_create_user")
    assert [e.value for e in at.error] == [TAKEN]
    assert linked(engine, "kita-dup") is None
    with reading(engine) as s:
        assert s.scalar(select(User.id).where(User.username == "kita-dup")) is None


def edit_person(at, engine, actor, number: str, lineworks: str) -> None:
    person = next(p for p in rollcall.list_staff(engine, actor) if p.employee_number == number)
    at.selectbox(key="staff_edit_choice").set_value(person.id).run()
    at.text_input(key=f"staff_edit_{person.id}_lineworks_user_id").input(lineworks)
    click(at, "保存", f"staff_edit_{person.id}")


def test_a_register_person_is_linked_once_and_a_second_holder_refused(city):  # noqa: F811
    engine, actors = city
    admin = actors["kikikanri"]
    at = open_page("admin.py", admin)
    edit_person(at, engine, admin, "K1", "lw-k1")
    assert not at.error, at.error
    assert staff_linked(engine, "K1") == "lw-k1"

    edit_person(at, engine, admin, "K2", "lw-k1")
    assert [e.value for e in at.error] == [
        "この LINE WORKS ID は名簿の別の職員（職員番号 K1）に登録されています。"
    ]
    assert staff_linked(engine, "K2") is None

    # Adding a person with the taken id is refused the same way.
    at.text_input(key="staff_add_number").input("N9")
    at.text_input(key="staff_add_name").input("新任 太郎")
    at.text_input(key="staff_add_lineworks_user_id").input("lw-k1")
    at.selectbox(key="staff_add_unit_code").set_value(KITA)
    click(at, "保存", "staff_add")
    assert any("職員番号 K1" in e.value for e in at.error), at.error
    assert "N9" not in {p.employee_number for p in rollcall.list_staff(engine, admin)}
