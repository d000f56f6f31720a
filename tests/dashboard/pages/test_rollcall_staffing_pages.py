"""Roll-call staffing on the pages: the board measures 参集率 against the required staff, and the
crisis office adds, edits and moves a person on the administration page (history shown)."""

from __future__ import annotations

from dashboard.services import rollcall
from tests.dashboard.pages.test_rollcall_pages import board_row, city, page  # noqa: F401

KITA, CHUO = "27127", "27128"


def test_the_board_shows_the_required_staff_and_the_rate_against_them(city):  # noqa: F811
    engine, actors = city
    rollcall.set_requirements(engine, actors["kikikanri"], {(KITA, 4): 10})
    rollcall.start_rollcall(engine, actors["kikikanri"], submission_id="s", scope_code="27100")
    at = page("rollcall.py", actors["mayor"])
    kita, chuo = board_row(at, "北区"), board_row(at, "中央区")
    assert (kita["対象"], kita["必要参集人数"], kita["参集率"]) == (2, 10, "0%")
    assert (chuo["対象"], chuo["必要参集人数"]) == (1, 1)  # none set: those called in


def test_the_crisis_office_adds_and_moves_a_person_and_sees_the_history(city):  # noqa: F811
    engine, actors = city
    admin = actors["kikikanri"]
    at = page("admin.py", admin)
    at.text_input(key="staff_add_number").input("N1")
    at.text_input(key="staff_add_name").input("新任 花子")
    at.text_input(key="staff_add_email").input("hanako@example.lg.jp")
    at.selectbox(key="staff_add_unit_code").set_value(KITA)
    next(b for b in at.button if b.label == "保存" and "staff_add" in str(b.form_id)).click()
    at.run()
    assert not at.exception, at.exception
    assert "保存しました。" in at.success[0].value
    person = next(p for p in rollcall.list_staff(engine, admin) if p.employee_number == "N1")
    assert (person.name, person.unit_code) == ("新任 花子", KITA)

    at.text_input(key="staff_search").input("新任").run()
    assert any("4名中 1名が該当" in c.value for c in at.caption)
    at.selectbox(key="staff_edit_choice").set_value(person.id).run()
    at.selectbox(key=f"staff_edit_{person.id}_unit_code").set_value(CHUO)
    form = f"staff_edit_{person.id}"
    next(b for b in at.button if b.label == "保存" and form in str(b.form_id)).click().run()
    assert not at.exception, at.exception
    moved = next(p for p in rollcall.list_staff(engine, admin) if p.employee_number == "N1")
    assert moved.unit_code == CHUO
    at.selectbox(key="staff_edit_choice").set_value(person.id).run()
    history = at.dataframe[-1].value
    assert list(history["変更"]) == ["追加", "異動"]
    assert list(history["異動前"]) == ["", "北区"]


def test_a_bad_entry_is_refused_with_its_message_and_nothing_stored(city):  # noqa: F811
    engine, actors = city
    at = page("admin.py", actors["kikikanri"])
    at.text_input(key="staff_add_number").input("N2")
    at.text_input(key="staff_add_name").input("名前")
    at.text_input(key="staff_add_email").input("not-an-address")
    next(b for b in at.button if b.label == "保存" and "staff_add" in str(b.form_id)).click()
    at.run()
    assert "メールアドレスが正しくありません" in at.error[0].value
    assert "N2" not in {p.employee_number for p in rollcall.list_staff(engine, actors["kikikanri"])}
