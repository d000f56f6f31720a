"""The reporting screens in AppTest: shelter status, damage report form, review.

Each page runs alone (see ``open_page``) as the test city's accounts, on both databases.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from dashboard.errors import StorageUnavailable
from dashboard.services import areas, damage, shelters
from dashboard.services.accounts import actor_for
from dashboard.services.damage import ReportDraft
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import DamagePhoto, DamageReport, User
from tests import factories
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.services.test_photos import GPS_IFD, encode, make_exif, split_image
from tests.factories import CHUO_POINT, KITA_POINT

KITA_TYPED = "３４．７０２６７，１３５．５０００３"  # 北区, typed in full-width mode


@pytest.fixture
def engine(app_env):
    """The app's database with the small test city (the app then leaves the demo out)."""
    engine = make_engine(app_env)
    factories.make_city(engine)
    yield engine
    engine.dispose()


def actor(engine, username):
    with reading(engine) as s:
        return actor_for(s.scalars(select(User).where(User.username == username)).one())


def texts(at, kind) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def reports_of(engine, username):
    with reading(engine) as s:
        return s.scalars(
            select(DamageReport)
            .join(User, User.id == DamageReport.reported_by_id)
            .where(User.username == username)
        ).all()


def fill_report(at, *, coordinates=KITA_TYPED, category="fire", severity=3):
    at.text_input(key="damage.coords").input(coordinates).run()
    gen = at.session_state["damage.gen"]
    at.pills(key=f"damage.{gen}.category").set_value(category)
    at.radio(key=f"damage.{gen}.severity").set_value(severity)
    at.text_input(key=f"damage.{gen}.injured").input("２")
    at.text_area(key=f"damage.{gen}.description").input("倉庫から出火")
    return gen


def submit_button(at):
    return next(b for b in at.button if b.label in ("報告を送信", "もう一度送信", "Send report"))


def test_damage_report_from_the_form_is_stored_once_without_gps(engine):
    at = open_page("damage.py", actor(engine, "kita_staff"))
    gen = fill_report(at)
    assert "📍 北区" in texts(at, "caption")
    photo = encode(split_image((640, 480)), "JPEG", exif=make_exif())
    at.file_uploader(key=f"damage.{gen}.photos").set_value(("fire.jpg", photo, "image/jpeg"))
    submit_button(at).click().run()

    assert not at.exception
    assert any("被害報告を受け付けました" in s for s in texts(at, "success"))
    [report] = reports_of(engine, "kita_staff")
    assert (report.category, report.severity, report.injured) == ("fire", 3, 2)
    assert report.description == "倉庫から出火" and not report.outside_reporter_ward
    with reading(engine) as s:
        [stored] = s.scalars(select(DamagePhoto.data)).all()
    assert not Image.open(io.BytesIO(stored)).getexif().get_ifd(GPS_IFD)
    assert at.dataframe[-1].value["#"].tolist() == [report.id]  # "recent reports" of the ward
    # The form is empty again, ready for the next report.
    assert at.text_input(key="damage.coords").value == ""
    assert at.text_area(key=f"damage.{gen + 1}.description").value == ""


def test_damage_form_shows_each_message_next_to_its_field_and_keeps_input(engine):
    at = open_page("damage.py", actor(engine, "kita_staff"))
    gen = at.session_state["damage.gen"]
    at.text_input(key=f"damage.{gen}.dead").input("-1")
    at.text_area(key=f"damage.{gen}.description").input("道路が冠水")
    submit_button(at).click().run()

    errors = texts(at, "error")
    assert "入力してください（必須）" in errors  # coordinates
    assert "被害の種類を選択してください。" in errors
    assert "深刻度を1〜4から選択してください。" in errors
    assert "0以上の値を入力してください" in errors
    assert "入力内容に4件の問題があります。" in errors
    assert at.text_area(key=f"damage.{gen}.description").value == "道路が冠水"
    assert reports_of(engine, "kita_staff") == []


def test_damage_form_in_english(engine):
    at = open_page("damage.py", actor(engine, "kita_staff"), lang="en")
    assert at.title[0].value == "Damage reports"
    assert at.radio[0].options[3] == "4 Critical: lives at risk, act now"
    submit_button(at).click().run()
    assert "This field is required" in texts(at, "error")
    assert "Choose a category." in texts(at, "error")


def test_database_outage_keeps_everything_typed_and_offers_a_retry(engine, monkeypatch):
    at = open_page("damage.py", actor(engine, "kita_staff"))
    gen = fill_report(at)

    def unavailable(*args, **kwargs):
        raise StorageUnavailable("OperationalError")

    monkeypatch.setattr(damage, "submit_report", unavailable)
    monkeypatch.setattr(damage, "list_report_views", unavailable)
    monkeypatch.setattr(areas, "map_base", unavailable)
    submit_button(at).click().run()
    assert not at.exception
    assert any("入力は続けられ" in w for w in texts(at, "warning"))  # no map, the form stays
    assert any("入力内容はそのまま残っています" in e for e in texts(at, "error"))
    assert submit_button(at).label == "もう一度送信"
    assert at.text_area(key=f"damage.{gen}.description").value == "倉庫から出火"
    assert at.pills(key=f"damage.{gen}.category").value == "fire"
    assert at.text_input(key="damage.coords").value == KITA_TYPED

    monkeypatch.undo()
    submit_button(at).click().run()
    assert any("被害報告を受け付けました" in s for s in texts(at, "success"))
    assert len(reports_of(engine, "kita_staff")) == 1


def test_point_outside_the_ward_needs_the_confirmation_box(engine):
    at = open_page("damage.py", actor(engine, "kita_staff"))
    fill_report(at, coordinates=f"{CHUO_POINT[0]}, {CHUO_POINT[1]}")
    assert any("担当区の外（中央区）" in w for w in texts(at, "warning"))
    submit_button(at).click().run()
    assert any("担当区の外" in e for e in texts(at, "error"))
    assert reports_of(engine, "kita_staff") == []

    at.checkbox(key="damage.confirm_outside").check().run()
    submit_button(at).click().run()
    [report] = reports_of(engine, "kita_staff")
    assert report.outside_reporter_ward and report.ward_code == "27128"


def first_kita_shelter(engine, kita_staff):
    return shelters.list_shelters(engine, kita_staff)[0]


def test_shelter_update_with_full_width_number(engine):
    staff = actor(engine, "kita_staff")
    view = first_kita_shelter(engine, staff)
    at = open_page("shelters.py", staff)
    at.selectbox(key="shelters.pick").set_value(view.id).run()
    p = f"shelter.{view.id}"
    assert at.text_input(key=f"{p}.evacuees").value == str(view.evacuees)
    at.segmented_control(key=f"{p}.state").set_value("open")
    at.text_input(key=f"{p}.evacuees").input("１２").run()
    at.text_input(key=f"{p}.households").input("").run()
    next(b for b in at.button if b.label == "この内容で報告").click().run()

    assert not texts(at, "error")
    assert any("状況を報告しました" in s for s in texts(at, "success"))
    latest = shelters.get_shelter(engine, staff, view.id)
    assert (latest.state, latest.evacuees) == ("open", 12)


def test_typed_status_survives_looking_at_another_shelter(engine):
    staff = actor(engine, "kita_staff")
    a, b = shelters.list_shelters(engine, staff)[:2]
    at = open_page("shelters.py", staff)
    at.selectbox(key="shelters.pick").set_value(a.id).run()
    at.text_input(key=f"shelter.{a.id}.evacuees").input("7").run()
    at.selectbox(key="shelters.pick").set_value(b.id).run()
    assert at.text_input(key=f"shelter.{b.id}.evacuees").value == str(b.evacuees)
    at.selectbox(key="shelters.pick").set_value(a.id).run()
    assert at.text_input(key=f"shelter.{a.id}.evacuees").value == "7"
    assert at.segmented_control(key=f"shelter.{a.id}.state").value == (a.state or "open")


def test_shelter_conflict_is_shown_before_anything_is_overwritten(engine):
    staff, head = actor(engine, "kita_staff"), actor(engine, "kita_head")
    view = first_kita_shelter(engine, staff)
    at = open_page("shelters.py", staff)
    at.selectbox(key="shelters.pick").set_value(view.id).run()
    p = f"shelter.{view.id}"
    # Meanwhile the ward head reports the same shelter.
    shelters.record_status(
        engine, head, shelter_id=view.id, submission_id="head-1", state="open", evacuees=77
    )
    at.text_input(key=f"{p}.evacuees").input("5")
    at.text_input(key=f"{p}.households").input("2").run()
    next(b for b in at.button if b.label == "この内容で報告").click().run()

    assert any("新しい報告が届いています" in w for w in texts(at, "warning"))
    shown = at.dataframe[-1].value
    assert 77 in shown.iloc[0].tolist()
    assert shelters.get_shelter(engine, staff, view.id).evacuees == 77
    next(b for b in at.button if b.label == "自分の入力で報告する").click().run()
    assert shelters.get_shelter(engine, staff, view.id).evacuees == 5


def test_capacity_reached_suggests_full(engine):
    staff = actor(engine, "kita_staff")
    view = first_kita_shelter(engine, staff)
    at = open_page("shelters.py", staff)
    at.selectbox(key="shelters.pick").set_value(view.id).run()
    p = f"shelter.{view.id}"
    at.segmented_control(key=f"{p}.state").set_value("open")
    at.text_input(key=f"{p}.evacuees").input(str(view.capacity + 5)).run()
    warnings = texts(at, "warning")
    assert any("定員" in w and "超えて" in w for w in warnings)
    assert any("「満員」にしますか" in w for w in warnings)
    next(b for b in at.button if b.label == "「満員」にする").click().run()
    assert at.segmented_control(key=f"{p}.state").value == "full"


def test_no_change_button_confirms_the_running_shelters(engine):
    staff = actor(engine, "kita_staff")
    first, second = shelters.list_shelters(engine, staff)
    for n, (view, state) in enumerate(((first, "open"), (second, "closed"))):
        shelters.record_status(
            engine, staff, shelter_id=view.id, submission_id=f"s{n}", state=state, evacuees=9
        )
    running = [first]
    at = open_page("shelters.py", staff)
    button = next(b for b in at.button if b.label.startswith("変更なし"))
    assert f"{len(running)}か所" in button.label
    button.click().run()
    assert any(f"{len(running)}か所を「変更なし」" in s for s in texts(at, "success"))
    history = shelters.shelter_history(engine, staff, running[0].id)
    assert history[-1].confirmation


def test_adhoc_shelter_from_the_page_then_its_history(engine):
    staff = actor(engine, "kita_staff")
    at = open_page("shelters.py", staff)
    at.toggle(key="adhoc.open").set_value(True).run()
    at.text_input(key="adhoc.coordinates").input("３４．７０３，１３５．５０１")
    at.text_input(key="adhoc.capacity").input("abc")
    next(b for b in at.button if b.label == "臨時避難所を登録（開設）").click().run()
    assert "入力してください（必須）" in texts(at, "error")  # the name
    assert "数値で入力してください" in texts(at, "error")  # the capacity
    at.text_input(key="adhoc.name").input("北公園テント")
    at.text_input(key="adhoc.capacity").input("５０")
    at.text_input(key="adhoc.evacuees").input("１２")
    next(b for b in at.button if b.label == "臨時避難所を登録（開設）").click().run()

    assert "臨時避難所を登録しました。" in texts(at, "success")
    [tent] = [v for v in shelters.list_shelters(engine, staff) if v.kind == "adhoc"]
    assert (tent.name, tent.capacity, tent.state, tent.evacuees) == ("北公園テント", 50, "open", 12)
    assert at.selectbox(key="shelters.pick").value == tent.id
    at.toggle(key=f"shelter.{tent.id}.history").set_value(True).run()
    assert at.get("vega_lite_chart"), "the evacuees chart is drawn"
    assert at.dataframe[-1].value.iloc[0].tolist()[2] == 12


def test_mayor_sees_and_confirms_a_new_report_on_the_review_page(engine):
    staff = actor(engine, "kita_staff")
    draft = ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="trapped", severity=4)
    report_id = damage.submit_report(engine, staff, draft, submission_id="for-review")
    twin = damage.submit_report(engine, staff, draft, submission_id="twin")

    at = open_page("review.py", actor(engine, "admin"))
    assert report_id in at.dataframe[0].value["#"].tolist()
    at.selectbox(key="review.pick").set_value(report_id).run()
    assert any("重複の可能性がある報告が1件" in w for w in texts(at, "warning"))
    next(b for b in at.button if b.label == "確認済にする").click().run()
    assert any("「確認済」にしました" in s for s in texts(at, "success"))
    at.selectbox(key="review.pick").set_value(twin).run()
    next(b for b in at.button if b.label == f"No.{report_id} の重複").click().run()
    views = {v.id: v for v in damage.list_report_views(engine, staff)}
    assert views[report_id].review_state == "confirmed"
    assert (views[twin].review_state, views[twin].duplicate_of_id) == ("duplicate", report_id)


def test_the_review_page_says_how_many_reports_there_are_beyond_the_newest_listed(engine):
    """The list holds the newest 100; with more, the caption gives the real total."""
    from sqlalchemy import insert

    from dashboard.storage.db import transaction
    from dashboard.storage.models import utcnow

    now = utcnow()
    rows = [
        {
            "submission_id": f"many-{i}",
            "lat": KITA_POINT[0],
            "lon": KITA_POINT[1],
            "ward_code": factories.KITA,
            "reporter_ward_code": factories.KITA,
            "category": "fire",
            "severity": 2,
            "review_state": "new",
            "reported_at": now,
            "exercise": False,
        }
        for i in range(130)
    ]
    with transaction(engine) as session:
        session.execute(insert(DamageReport), rows)

    at = open_page("review.py", actor(engine, "admin"))
    assert len(at.dataframe[0].value) == 100
    assert any("130件（新しい100件を表示" in c for c in texts(at, "caption"))
