"""Damage reports: form parsing, permissions, idempotency, photos, duplicates and review —
on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from dashboard.errors import NotFound, PermissionDenied, StorageUnavailable, ValidationFailed
from dashboard.i18n import translate
from dashboard.services import accounts, command_map, damage
from dashboard.services.damage import ReportDraft
from dashboard.services.damage import submit as damage_submit
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import AuditEntry, DamagePhoto, DamageReport, utcnow
from tests.dashboard.services.test_photos import GPS_IFD, encode, make_exif, split_image
from tests.factories import CHUO, CHUO_POINT, KITA, KITA_POINT

# About 50 m and 300 m north of a point, in degrees of latitude.
DEG_50_M = 50 / 111_195
DEG_300_M = 300 / 111_195


def message(error: ValidationFailed, field: str, lang: str) -> str:
    key, params = error.fields[field]
    return translate(key, lang, **params)


def submit(city, actor=None, sub="r1", point=KITA_POINT, at=None, **values):
    draft = ReportDraft(lat=point[0], lon=point[1], **{"category": "fire", "severity": 2, **values})
    return damage.submit_report(
        city.engine, actor or city.kita_staff, draft, submission_id=sub, at=at
    )


def count(engine, model) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_form_accepts_full_width_input():
    draft = damage.draft_from_form(
        coordinates="３４．７０２６７，　１３５．５０００３",
        category="building_collapse",
        severity="3",
        counts={"dead": "", "injured": "２", "missing": None, "trapped": "１"},
        description="  倒壊家屋あり  ",
    )
    assert (draft.lat, draft.lon) == (34.70267, 135.50003)
    assert (draft.dead, draft.injured, draft.missing, draft.trapped) == (0, 2, 0, 1)
    assert (draft.severity, draft.description, draft.location_text) == (3, "倒壊家屋あり", None)


def test_form_names_every_bad_field_in_japanese_and_english():
    with pytest.raises(ValidationFailed) as caught:
        damage.draft_from_form(
            coordinates="34.7, 235.5",
            category=None,
            severity=None,
            counts={"dead": "-1", "injured": "1.5", "missing": "いくつか", "trapped": "0"},
            description="x" * 2001,
        )
    error = caught.value
    assert set(error.fields) == {
        "coordinates",
        "category",
        "severity",
        "dead",
        "injured",
        "missing",
        "description",
    }
    assert message(error, "coordinates", "ja") == "経度は-180〜180の範囲で入力してください"
    assert message(error, "dead", "en") == "Enter 0 or more"
    assert message(error, "injured", "ja") == "整数で入力してください"
    assert message(error, "missing", "en") == "Enter a number"
    assert message(error, "description", "en") == "Use at most 2000 characters (now 2001)"
    assert message(error, "category", "ja") == "被害の種類を選択してください。"
    assert message(error, "severity", "en") == "Choose a severity from 1 to 4."


def test_same_submission_stores_one_report_and_one_audit_entry(city):
    first = submit(city, sub="tap")
    again = submit(city, sub="tap", severity=4)
    assert first == again
    [report] = damage.list_reports(city.engine, city.mayor)
    assert report.severity == 2
    with reading(city.engine) as s:
        entries = s.scalars(select(AuditEntry)).all()
    assert [(e.action, e.username, e.entity_id) for e in entries] == [
        ("damage_report.submitted", "kita_staff", str(first))
    ]
    assert utcnow() - entries[0].at < timedelta(minutes=1)


def test_ward_user_cannot_report_on_behalf_of_another_ward(city):
    with pytest.raises(PermissionDenied) as caught:
        submit(city, point=CHUO_POINT)
    assert caught.value.key == "damage.outside_ward"
    assert count(city.engine, DamageReport) == 0
    with pytest.raises(PermissionDenied):
        submit(city, actor=city.viewer, sub="v")
    # Confirmed, it is stored for 中央区 and flagged as coming from 北区.
    draft = ReportDraft(lat=CHUO_POINT[0], lon=CHUO_POINT[1], category="fire", severity=3)
    damage.submit_report(
        city.engine, city.kita_staff, draft, submission_id="out", confirm_outside=True
    )
    [view] = damage.list_report_views(city.engine, city.mayor)
    assert (view.ward_code, view.reporter_ward_code, view.outside_reporter_ward) == (
        CHUO,
        KITA,
        True,
    )


def test_photo_is_stored_without_gps_in_the_same_transaction(city):
    with_gps = encode(split_image((1200, 900)), "JPEG", exif=make_exif())
    png = encode(Image.new("RGB", (300, 200), "white"), "PNG")
    report_id = damage.submit_report(
        city.engine,
        city.kita_staff,
        ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="flooding", severity=2),
        submission_id="photo",
        photos=[with_gps, png],
    )
    detail = damage.get_report(city.engine, city.mayor, report_id)
    assert detail.report.photo_count == 2
    assert [p.content_type for p in detail.photos] == ["image/jpeg", "image/png"]
    with reading(city.engine) as session:  # what is kept at rest, beyond the thumbnail shown
        data = session.get(DamagePhoto, detail.photos[0].id).data
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG" and stored.size == (1200, 900)
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in data
    thumbnail = Image.open(io.BytesIO(detail.photos[0].thumbnail))
    assert max(thumbnail.size) <= 480
    with pytest.raises(NotFound):
        damage.get_report(city.engine, city.chuo_staff, report_id)


def test_bad_or_too_many_photos_store_nothing(city):
    photo = encode(split_image((40, 30)), "JPEG")
    for photos, reason in (
        ([photo] * 6, "写真は 5 枚までです"),
        ([photo, b"%PDF-1.4 not an image"], "画像ファイルではないか、ファイルが壊れています"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            damage.submit_report(
                city.engine,
                city.kita_staff,
                ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=1),
                submission_id="bad-photos",
                photos=photos,
            )
        assert message(caught.value, "photos", "ja") == reason
    assert count(city.engine, DamageReport) == count(city.engine, DamagePhoto) == 0


def test_a_failure_midway_writes_nothing(city, monkeypatch):
    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(damage_submit, "record_audit", broken_audit)
    with pytest.raises(RuntimeError):
        damage.submit_report(
            city.engine,
            city.kita_staff,
            ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=1),
            submission_id="midway",
            photos=[encode(split_image((40, 30)), "JPEG")],
        )
    assert count(city.engine, DamageReport) == count(city.engine, DamagePhoto) == 0


def test_possible_duplicates_are_same_category_within_100_m_and_30_minutes(city):
    t0 = utcnow() - timedelta(hours=1)
    lat, lon = KITA_POINT
    first = submit(city, sub="a", at=t0)
    near = damage.submit_report(
        city.engine,
        city.kita_head,
        ReportDraft(lat=lat + DEG_50_M, lon=lon, category="fire", severity=3),
        submission_id="b",
        at=t0 + timedelta(minutes=10),
    )
    submit(city, sub="other-kind", point=(lat + DEG_50_M, lon), category="flooding", at=t0)
    submit(city, sub="far", point=(lat + DEG_300_M, lon), at=t0)
    submit(city, sub="late", at=t0 + timedelta(minutes=45))

    suggested = damage.get_report(city.engine, city.admin, first).possible_duplicates
    assert [r.id for r in suggested] == [near]
    assert [r.id for r in damage.get_report(city.engine, city.admin, near).possible_duplicates] == [
        first
    ]


def test_review_confirm_resolve_and_duplicate(city):
    original = submit(city, sub="orig")
    copy = submit(city, sub="copy")
    third = submit(city, sub="third")

    assert damage.review_report(city.engine, city.admin, original, action="confirm") == "confirmed"
    damage.review_report(city.engine, city.admin, copy, action="duplicate", duplicate_of=original)
    # Marking a duplicate of the copy points at the original report.
    damage.review_report(city.engine, city.admin, third, action="duplicate", duplicate_of=copy)
    damage.review_report(city.engine, city.admin, original, action="resolve")

    views = {v.id: v for v in damage.list_report_views(city.engine, city.mayor)}
    assert views[original].review_state == "resolved"
    assert (views[copy].review_state, views[copy].duplicate_of_id) == ("duplicate", original)
    assert views[third].duplicate_of_id == original
    assert views[original].reviewed_by == "admin"
    assert [
        v.id for v in damage.list_report_views(city.engine, city.mayor, review_states=["new"])
    ] == []

    with pytest.raises(ValidationFailed) as caught:
        damage.review_report(
            city.engine, city.admin, original, action="duplicate", duplicate_of=copy
        )
    assert caught.value.fields["duplicate_of"][0] == "review.duplicate_self"
    with pytest.raises(PermissionDenied):
        damage.review_report(city.engine, city.kita_head, copy, action="confirm")
    with reading(city.engine) as s:
        reviews = s.scalars(
            select(AuditEntry.username).where(AuditEntry.action == "damage_report.reviewed")
        ).all()
    assert reviews == ["admin"] * 4


def test_reports_from_other_wards_cannot_be_opened(city):
    report_id = submit(city, sub="k")
    with pytest.raises(NotFound):
        damage.get_report(city.engine, city.chuo_staff, report_id)
    assert damage.list_report_views(city.engine, city.chuo_staff) == []
    assert [v.id for v in damage.list_report_views(city.engine, city.kita_staff)] == [report_id]
    assert damage.list_report_views(city.engine, city.mayor, ward_code=CHUO) == []


def test_unreachable_database_is_reported_as_unavailable(city):
    dead = make_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
    draft = ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=1)
    with pytest.raises(StorageUnavailable):
        damage.submit_report(dead, city.kita_staff, draft, submission_id="down")
    assert accounts.list_audit(city.engine, city.admin) == []


def test_the_review_count_is_every_matching_report_not_the_listed_newest(city):
    """With more reports than the review list holds, the page says how many there are: the
    count follows the same scope and filters as the list, only without its limit."""
    kita = [submit(city, sub=f"k{i}") for i in range(3)]
    submit(city, city.chuo_staff, sub="c", point=CHUO_POINT)
    damage.review_report(city.engine, city.admin, kita[0], action="confirm")

    listed = damage.list_report_views(city.engine, city.mayor, limit=2)
    assert len(listed) == 2
    assert damage.count_report_views(city.engine, city.mayor) == 4
    assert damage.count_report_views(city.engine, city.mayor, review_states=["new"]) == 3
    assert damage.count_report_views(city.engine, city.mayor, ward_code=CHUO) == 1
    assert damage.count_report_views(city.engine, city.kita_staff) == 3
    assert damage.count_report_views(city.engine, city.chuo_staff) == 1
    # The review page counts from the command map's cached reports: the same answers.
    for who, filters in (
        (city.mayor, {}),
        (city.mayor, {"review_states": ["new"]}),
        (city.mayor, {"review_states": ["confirmed", "resolved"], "ward_code": KITA}),
        (city.mayor, {"ward_code": CHUO}),
        (city.kita_staff, {}),
        (city.chuo_staff, {"review_states": ["new"]}),
    ):
        expected = damage.count_report_views(city.engine, who, **filters)
        assert command_map.count_reports(city.engine, who, **filters) == expected, filters
