"""A damage report from a photo and a location sent to the bot, in either order, reaching the
mayor's map; a point in another ward is asked about; downloads are bounded and retried."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dashboard.services import chatbot, command_map
from dashboard.settings import Settings
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, DamagePhoto, DamageReport, utcnow
from tests.dashboard.services.chatbot.conftest import jpeg
from tests.dashboard.services.chatbot.fake_lineworks import image, location, tap, text
from tests.factories import CHUO, CHUO_POINT, KITA, KITA_POINT

STAFF = "lw-kita-staff"


def reports(engine) -> list[DamageReport]:
    with reading(engine) as s:
        return list(s.scalars(select(DamageReport)))


def work_queue(talk, now) -> None:
    chatbot.process_due(talk.engine, settings=talk.settings, now=now)


def answer_quick(talk, label_postback_prefix: str) -> None:
    """Tap the quick reply whose postback starts with the prefix (as the person would)."""
    postbacks = talk.api.quick_postbacks(STAFF)
    chosen = next(p for p in postbacks if p.startswith(label_postback_prefix))
    talk.send(tap(STAFF, chosen))


def test_photo_then_location_from_kita_staff_becomes_a_report_on_the_mayors_map(talk):
    talk.api.files["f-1"] = jpeg()
    talk.send(image(STAFF, "f-1"))
    assert talk.api.texts_to(STAFF)[-1] == "写真を受け取りました。続けて位置情報を送ってください。"
    talk.send(text(STAFF, "倉庫の壁が崩れています"))
    talk.send(location(STAFF, *KITA_POINT, address="大阪市北区梅田1丁目"))
    # Asked the category, the severity and casualties by quick replies.
    assert "dm:cat:fire" in talk.api.quick_postbacks(STAFF)
    answer_quick(talk, "dm:cat:building_collapse")
    assert talk.api.quick_postbacks(STAFF) == [f"dm:sev:{n}" for n in (1, 2, 3, 4)]
    answer_quick(talk, "dm:sev:3")
    assert talk.api.quick_postbacks(STAFF) == ["dm:hum:yes", "dm:hum:no"]
    assert reports(talk.engine) == []  # nothing filed before the last answer
    answer_quick(talk, "dm:hum:yes")

    [report] = reports(talk.engine)
    assert (report.ward_code, report.category, report.severity) == (KITA, "building_collapse", 3)
    assert (report.lat, report.lon) == KITA_POINT and not report.outside_reporter_ward
    assert report.description == "【人的被害あり】 倉庫の壁が崩れています"
    assert report.location_text == "大阪市北区梅田1丁目"
    assert f"第{report.id}号" in talk.api.texts_to(STAFF)[-1]
    with reading(talk.engine) as s:
        photos = s.scalars(select(DamagePhoto).where(DamagePhoto.report_id == report.id)).all()
        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "damage_report.submitted")
        ).one()
    assert len(photos) == 1 and photos[0].data[:2] == b"\xff\xd8"
    # Audited as the person, naming the channel.
    assert (audit.username, audit.detail["via"]) == ("kita_staff", "lineworks")
    # The mayor's map shows it.
    view = command_map.command_view(talk.engine, talk.city.mayor, settings=Settings())
    assert report.id in set(view.reports["id"])


def test_location_first_then_photo_works_too(talk):
    talk.api.files["f-2"] = jpeg()
    talk.send(location(STAFF, *KITA_POINT))
    assert talk.api.texts_to(STAFF)[-1].startswith("位置情報を受け取りました")
    talk.send(image(STAFF, "f-2"))
    answer_quick(talk, "dm:cat:flooding")
    answer_quick(talk, "dm:sev:2")
    answer_quick(talk, "dm:hum:no")
    [report] = reports(talk.engine)
    assert (report.category, report.severity, report.description) == ("flooding", 2, None)


def test_a_photo_older_than_the_window_is_not_joined_to_a_new_location(talk):
    talk.api.files["f-3"] = jpeg()
    start = utcnow()
    talk.send(image(STAFF, "f-3", issued=start), now=start)
    later = start + timedelta(minutes=11)
    talk.send(location(STAFF, *KITA_POINT, issued=later), now=later)
    assert talk.api.texts_to(STAFF)[-1].startswith("位置情報を受け取りました")


def test_a_point_in_another_ward_is_asked_about_never_filed_silently(talk):
    talk.api.files["f-4"] = jpeg()
    talk.send(image(STAFF, "f-4"))
    talk.send(location(STAFF, *CHUO_POINT))
    assert talk.api.texts_to(STAFF)[-1] == "この地点は中央区です。北区として報告しますか？"
    assert reports(talk.engine) == []
    answer_quick(talk, "dm:outside:yes")
    answer_quick(talk, "dm:cat:road_blocked")
    answer_quick(talk, "dm:sev:2")
    answer_quick(talk, "dm:hum:no")
    [report] = reports(talk.engine)
    assert (report.ward_code, report.reporter_ward_code) == (CHUO, KITA)
    assert report.outside_reporter_ward


def test_no_to_the_other_ward_files_nothing(talk):
    talk.api.files["f-5"] = jpeg()
    talk.send(image(STAFF, "f-5"))
    talk.send(location(STAFF, *CHUO_POINT))
    answer_quick(talk, "dm:outside:no")
    assert reports(talk.engine) == []
    assert talk.api.texts_to(STAFF)[-1].startswith("報告を取り消しました")


def test_an_oversized_attachment_is_refused_and_the_sender_told(talk):
    talk.api.files["big"] = b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 10)
    talk.send(image(STAFF, "big"))
    assert talk.api.texts_to(STAFF)[-1] == "写真が大きすぎます（10MBまで）。"
    talk.send(location(STAFF, *KITA_POINT))
    assert talk.api.texts_to(STAFF)[-1].startswith("位置情報を受け取りました。続けて被害の写真")


def test_a_redirect_to_another_host_is_never_followed(talk):
    talk.api.redirects["evil"] = f"{talk.api.foreign_url}/latest/meta-data"
    talk.send(image(STAFF, "evil"))
    assert talk.api.foreign_requests == []
    assert talk.api.texts_to(STAFF)[-1] == "写真を受け取れませんでした。もう一度送ってください。"


def test_a_failed_download_is_retried_from_the_queue_then_the_sender_told(talk):
    start = utcnow()
    talk.api.files["slow"] = jpeg()
    talk.api.failures["slow"] = 2
    talk.send(image(STAFF, "slow", issued=start), now=start)
    assert talk.api.texts_to(STAFF) == []  # waiting for the retry
    talk.send(location(STAFF, *KITA_POINT, issued=start), now=start)
    assert talk.api.texts_to(STAFF) == []  # queued behind the photo, in order
    for seconds in (6, 30):
        work_queue(talk, start + timedelta(seconds=seconds))
    assert talk.api.file_requests.count("slow") == 3
    assert talk.api.texts_to(STAFF)[0].startswith("写真を受け取りました")
    assert talk.api.quick_postbacks(STAFF)[0] == "dm:cat:building_collapse"

    talk.api.files["gone"] = jpeg()
    talk.api.failures["gone"] = 10
    talk.send(image(STAFF, "gone", issued=start), now=start)
    for seconds in (6, 30, 100):
        work_queue(talk, start + timedelta(seconds=seconds))
    assert talk.api.file_requests.count("gone") == 4
    assert talk.api.texts_to(STAFF)[-1] == "写真を受け取れませんでした。もう一度送ってください。"


def test_text_typed_just_before_the_photo_becomes_the_description(talk):
    talk.api.files["f-6"] = jpeg()
    start = utcnow()
    talk.send(text(STAFF, "橋の欄干が落ちています", issued=start), now=start)
    # Not yet known to be a description: the help, and how it can become one.
    assert talk.api.texts_to(STAFF)[-1].endswith(
        "（続けて写真か位置情報を送ると、このメッセージを被害の説明として使います。）"
    )
    later = start + timedelta(minutes=3)
    talk.send(image(STAFF, "f-6", issued=later), now=later)
    assert talk.api.texts_to(STAFF)[-1] == (
        "写真を受け取りました。続けて位置情報を送ってください。\n"
        "先ほどのメッセージを被害の説明として使います。"
    )
    talk.send(location(STAFF, *KITA_POINT, issued=later), now=later)
    answer_quick(talk, "dm:cat:road_blocked")
    answer_quick(talk, "dm:sev:2")
    answer_quick(talk, "dm:hum:no")
    [report] = reports(talk.engine)
    assert report.description == "橋の欄干が落ちています"


def test_text_typed_before_a_location_counts_only_within_the_window(talk):
    talk.api.files["f-7"] = jpeg()
    start = utcnow()
    talk.send(text(STAFF, "古いメモ", issued=start), now=start)
    later = start + timedelta(minutes=11)
    talk.send(location(STAFF, *KITA_POINT, issued=later), now=later)
    assert "先ほどのメッセージ" not in talk.api.texts_to(STAFF)[-1]
    talk.send(image(STAFF, "f-7", issued=later), now=later)
    answer_quick(talk, "dm:cat:flooding")
    answer_quick(talk, "dm:sev:1")
    answer_quick(talk, "dm:hum:no")
    [report] = reports(talk.engine)
    assert report.description is None
