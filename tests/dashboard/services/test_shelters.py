"""Shelter status from the wards: scope, idempotency, the conflict warning, validation, "no change",
ad-hoc shelters, history and the audit trail — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.errors import (
    NotFound,
    PermissionDenied,
    ServiceError,
    StorageUnavailable,
    ValidationFailed,
)
from dashboard.i18n import translate
from dashboard.services import shelters
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import AuditEntry, Shelter, ShelterStatus, utcnow
from tests.factories import CHUO, CHUO_POINT, KITA, KITA_POINT


def status_rows(engine, shelter_id):
    with reading(engine) as s:
        return list(
            s.scalars(
                select(ShelterStatus)
                .where(ShelterStatus.shelter_id == shelter_id)
                .order_by(ShelterStatus.id)
            )
        )


def audit_actions(engine):
    with reading(engine) as s:
        return [
            (a.action, a.username) for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def message(error: ValidationFailed, field: str, lang: str) -> str:
    key, params = error.fields[field]
    return translate(key, lang, **params)


def report(city, shelter="kita1", actor=None, sub="s1", **values):
    values = {"state": "open", "evacuees": 10, **values}
    return shelters.record_status(
        city.engine,
        actor or city.kita_staff,
        shelter_id=city.shelters[shelter],
        submission_id=sub,
        **values,
    )


def test_ward_user_lists_own_shelters_with_last_report_and_search(city):
    report(city, evacuees=42, households=20, needs=("water", "food"))
    seen = {v.name: v for v in shelters.list_shelters(city.engine, city.kita_staff)}
    assert set(seen) == {"北第1小学校", "北第2中学校"}
    kita1 = seen["北第1小学校"]
    assert (kita1.state, kita1.evacuees, kita1.households) == ("open", 42, 20)
    assert kita1.needs == ("food", "water")
    assert utcnow() - kita1.updated_at < timedelta(minutes=1)
    assert seen["北第2中学校"].state is None
    found = shelters.list_shelters(city.engine, city.kita_staff, search="第2")
    assert [v.name for v in found] == ["北第2中学校"]
    assert shelters.list_shelters(city.engine, city.kita_staff, search="中央") == []


def test_ward_a_user_cannot_update_or_read_a_ward_b_shelter(city):
    with pytest.raises(PermissionDenied):
        report(city, shelter="chuo1")
    with pytest.raises(PermissionDenied):
        shelters.shelter_history(city.engine, city.kita_staff, city.shelters["chuo1"])
    with pytest.raises(NotFound):
        shelters.get_shelter(city.engine, city.kita_staff, city.shelters["chuo1"])
    with pytest.raises(PermissionDenied):
        shelters.confirm_no_change(city.engine, city.kita_staff, submission_id="x", ward_code=CHUO)
    assert status_rows(city.engine, city.shelters["chuo1"]) == []
    assert audit_actions(city.engine) == []


def test_same_submission_stores_one_status_and_one_audit_entry(city):
    first = report(city, sub="tap")
    again = report(city, sub="tap", evacuees=99)
    assert first == again
    assert [r.evacuees for r in status_rows(city.engine, city.shelters["kita1"])] == [10]
    assert audit_actions(city.engine) == [("shelter_status.recorded", "kita_staff")]


def test_newer_update_since_the_form_opened_is_shown_not_overwritten(city):
    opened = shelters.get_shelter(city.engine, city.kita_staff, city.shelters["kita1"])
    assert opened.status_id is None
    # 区長 saves first, while the staff member's form is still open.
    report(city, actor=city.kita_head, sub="head", evacuees=150, note="毛布が不足")
    with pytest.raises(shelters.StatusConflict) as caught:
        report(city, sub="staff", evacuees=80, opened_status_id=opened.status_id)
    latest = caught.value.latest
    assert (latest.evacuees, latest.note, latest.reported_by) == (150, "毛布が不足", "kita_head")
    assert "kita_head" in translate(caught.value.key, "ja", **caught.value.params)
    assert [r.evacuees for r in status_rows(city.engine, city.shelters["kita1"])] == [150]
    # Having seen it, the user decides to send their own numbers.
    report(city, sub="staff", evacuees=80, opened_status_id=latest.id)
    assert [r.evacuees for r in status_rows(city.engine, city.shelters["kita1"])] == [150, 80]


def test_a_no_change_confirmation_is_not_a_conflict(city):
    base = report(city, sub="a", evacuees=30)
    shelters.confirm_no_change(city.engine, city.kita_head, submission_id="nc")
    report(city, sub="b", evacuees=35, opened_status_id=base)
    assert [r.evacuees for r in status_rows(city.engine, city.shelters["kita1"])] == [30, 30, 35]


def test_validation_names_each_field_in_japanese_and_english(city):
    with pytest.raises(ValidationFailed) as caught:
        report(city, state="half-open", evacuees=-1, needs=("pizza",), note="x" * 1001)
    assert set(caught.value.fields) == {"state", "evacuees", "needs", "note"}
    assert message(caught.value, "evacuees", "ja") == "0以上の値を入力してください"
    assert message(caught.value, "evacuees", "en") == "Enter 0 or more"
    with pytest.raises(ValidationFailed) as caught:
        report(city, evacuees=3, households=5)
    assert message(caught.value, "households", "en") == "Households cannot exceed the evacuees (3)."
    assert status_rows(city.engine, city.shelters["kita1"]) == []


def test_status_form_accepts_full_width_digits_and_reports_every_bad_field(city):
    form = {"state": "open", "evacuees": "１２０", "households": "４５", "needs": ["water"]}
    shelters.submit_status_form(
        city.engine,
        city.kita_staff,
        shelter_id=city.shelters["kita1"],
        submission_id="fw",
        form=form,
        opened_status_id=None,
    )
    [row] = status_rows(city.engine, city.shelters["kita1"])
    assert (row.evacuees, row.households, row.needs) == (120, 45, ["water"])
    with pytest.raises(ValidationFailed) as caught:
        shelters.submit_status_form(
            city.engine,
            city.kita_staff,
            shelter_id=city.shelters["kita1"],
            submission_id="bad",
            form={"state": None, "evacuees": "たくさん", "households": "1.5"},
            opened_status_id=row.id,
        )
    assert message(caught.value, "evacuees", "ja") == "数値で入力してください"
    assert message(caught.value, "households", "en") == "Enter a whole number"
    assert message(caught.value, "state", "ja") == "状態を選択してください。"


def test_over_capacity_is_allowed_with_a_warning_and_full_is_suggested(city):
    view = shelters.get_shelter(city.engine, city.kita_staff, city.shelters["kita1"])  # 200 places
    assert shelters.status_form_hints(view, {"evacuees": "150", "state": "open"}) == []
    hints = shelters.status_form_hints(view, {"evacuees": "２００", "state": "open"})
    assert [key for key, _ in hints] == ["shelter.suggest_full"]
    hints = shelters.status_form_hints(view, {"evacuees": "230", "state": "full"})
    assert [key for key, _ in hints] == ["shelter.over_capacity"]
    assert "230" in translate(hints[0][0], "ja", **hints[0][1])
    report(city, evacuees=230, state="full")
    assert shelters.get_shelter(city.engine, city.mayor, city.shelters["kita1"]).evacuees == 230


def test_no_change_confirms_every_running_shelter_of_the_ward_once(city):
    report(city, sub="k1", evacuees=40, households=15, needs=("water",), note="受付中")
    report(city, shelter="kita2", sub="k2", state="closed", evacuees=0)
    report(city, shelter="chuo1", actor=city.chuo_staff, sub="c1", evacuees=5)

    done = shelters.confirm_no_change(city.engine, city.kita_staff, submission_id="nc1")
    again = shelters.confirm_no_change(city.engine, city.kita_staff, submission_id="nc1")

    assert done == again == [city.shelters["kita1"]]
    rows = status_rows(city.engine, city.shelters["kita1"])
    assert [r.confirmation for r in rows] == [False, True]
    copy = rows[1]
    assert (copy.state, copy.evacuees, copy.households, copy.needs, copy.note) == (
        "open",
        40,
        15,
        ["water"],
        "受付中",
    )
    assert len(status_rows(city.engine, city.shelters["kita2"])) == 1
    assert len(status_rows(city.engine, city.shelters["chuo1"])) == 1
    assert audit_actions(city.engine).count(("shelters.confirmed_unchanged", "kita_staff")) == 1
    # The mayor's home is the city: they must say which ward.
    with pytest.raises(ServiceError) as caught:
        shelters.confirm_no_change(city.engine, city.mayor, submission_id="nc2")
    assert caught.value.key == "shelter.ward_required"
    assert shelters.confirm_no_change(
        city.engine, city.mayor, submission_id="nc3", ward_code=KITA
    ) == [city.shelters["kita1"]]


def test_adhoc_shelter_is_registered_in_the_ward_of_its_point(city):
    lat, lon = KITA_POINT[0] + 0.001, KITA_POINT[1] + 0.001
    form = {"coordinates": f"{lat}, {lon}", "name": "北公園テント", "capacity": "５０"}
    first = shelters.register_adhoc_form(
        city.engine, city.kita_staff, submission_id="adhoc1", form={**form, "evacuees": "１２"}
    )
    again = shelters.register_adhoc_form(
        city.engine, city.kita_staff, submission_id="adhoc1", form={**form, "evacuees": "１２"}
    )
    assert first == again
    view = shelters.get_shelter(city.engine, city.mayor, first)
    assert (view.kind, view.ward_code, view.capacity) == ("adhoc", KITA, 50)
    assert (view.state, view.evacuees) == ("open", 12)
    assert ("adhoc_shelter.registered", "kita_staff") in audit_actions(city.engine)

    with pytest.raises(PermissionDenied):
        shelters.register_adhoc_shelter(
            city.engine,
            city.kita_staff,
            submission_id="adhoc2",
            name="中央のテント",
            lat=CHUO_POINT[0],
            lon=CHUO_POINT[1],
        )
    with pytest.raises(ValidationFailed) as caught:
        shelters.register_adhoc_form(
            city.engine,
            city.kita_staff,
            submission_id="adhoc3",
            form={"coordinates": "北のほう", "name": " ", "capacity": "-3"},
        )
    assert set(caught.value.fields) == {"coordinates", "name", "capacity"}
    with reading(city.engine) as s:
        assert s.scalars(select(Shelter.name).where(Shelter.kind == "adhoc")).all() == [
            "北公園テント"
        ]


def test_history_is_oldest_first_with_reporters(city):
    now = utcnow()
    for n, (actor, evacuees) in enumerate(
        [(city.kita_staff, 10), (city.kita_head, 60), (city.kita_staff, 120)]
    ):
        report(city, actor=actor, sub=f"h{n}", evacuees=evacuees, at=now + timedelta(minutes=n))
    history = shelters.shelter_history(city.engine, city.kita_staff, city.shelters["kita1"])
    assert [(h.evacuees, h.reported_by) for h in history] == [
        (10, "kita_staff"),
        (60, "kita_head"),
        (120, "kita_staff"),
    ]
    assert history[0].reported_at < history[-1].reported_at


def test_unreachable_database_is_reported_as_unavailable(city):
    dead = make_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
    with pytest.raises(StorageUnavailable) as caught:
        shelters.record_status(
            dead,
            city.kita_staff,
            shelter_id=city.shelters["kita1"],
            submission_id="down",
            state="open",
            evacuees=1,
        )
    assert "入力内容はそのまま残っています" in translate(
        caught.value.key, "ja", **caught.value.params
    )
