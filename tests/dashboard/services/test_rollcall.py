"""Staff roll-call: register import, selection, signed answer links, answers, reminders, scoping
of personal data and the board's counts — on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from dashboard.channels import SendResult
from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.services import delivery, modes, rollcall
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import OutboxMessage, RollCallRecipient, StaffMember, utcnow
from tests.factories import CHUO, CITY, KITA

SECRET = "rollcall-test-secret-0123"
SETTINGS = Settings(secret_key=SECRET, base_url="http://dashboard.test", ack_link_hours=2)
T0 = utcnow().replace(microsecond=0)

# employee number -> (name, unit, tier, email, lineworks id)
STAFF = {
    "K1": ("北 一郎", KITA, 1, "k1@example.lg.jp", "lw-k1"),
    "K2": ("北 二郎", KITA, 2, "k2@example.lg.jp", None),
    "K4": ("北 四郎", KITA, 4, None, "lw-k4"),
    "C1": ("中央 一子", CHUO, 1, "c1@example.lg.jp", None),
    "C3": ("中央 三子", CHUO, 3, "c3@example.lg.jp", None),
}


@pytest.fixture(autouse=True)
def _no_stray_workers():
    delivery.stop_all_workers()


def csv_of(rows: dict) -> bytes:
    lines = ["employee_number,name,unit_code,tier,email,lineworks_user_id"]
    for number, (name, unit, tier, email, lw) in rows.items():
        lines.append(f"{number},{name},{unit},{tier},{email or ''},{lw or ''}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def staffed(city):
    report = rollcall.import_staff(city.engine, city.admin, csv_of(STAFF), dry_run=False)
    assert report.applied and report.created == len(STAFF)
    return city


def start(city, actor=None, **kwargs) -> int:
    kwargs.setdefault("submission_id", f"s-{kwargs}")
    kwargs.setdefault("scope_code", CITY)
    return rollcall.start_rollcall(city.engine, actor or city.admin, now=T0, **kwargs)


def recipients(engine, rollcall_id) -> dict[str, int]:
    with reading(engine) as s:
        rows = s.execute(
            select(StaffMember.employee_number, RollCallRecipient.id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(RollCallRecipient.rollcall_id == rollcall_id)
        )
        return dict(rows.all())


def token_for(engine, rollcall_id, number, *, now=T0) -> str:
    recipient_id = recipients(engine, rollcall_id)[number]
    with reading(engine) as s:
        staff_id = s.get(RollCallRecipient, recipient_id).staff_id
    return make_answer_token(recipient_id, staff_id, secret=SECRET, now=now)


def answer(engine, token, sub, safety="safe", attendance="can_come", **kw):
    kw.setdefault("now", T0 + timedelta(minutes=5))
    return rollcall.submit_answer(
        engine,
        token,
        submission_id=sub,
        safety=safety,
        attendance=attendance,
        settings=SETTINGS,
        **kw,
    )


class Recorder:
    """A channel that records what it was asked to send."""

    def __init__(self, kind, result=None):
        self.kind, self.sent = kind, []
        self.result = result or SendResult.delivered("ok")

    def validate_target(self, target):
        return []

    def send(self, message, target, credentials, *, timeout):
        self.sent.append((message, target))
        return self.result


# --- register ----------------------------------------------------------------------------------


def test_a_dry_run_lists_every_problem_per_row_and_stores_nothing(city):
    bad = (
        b"employee_number,name,unit_code,tier,email\n"
        b"A1,ok,27127,1,a1@example.lg.jp\n"
        b"A2,,27127,9,not-an-address\n"
        b"A1,dup,99999,1,a@example.lg.jp\n"
    )
    report = rollcall.import_staff(city.engine, city.admin, bad, dry_run=True)
    found = {(p.line, p.column, p.key) for p in report.problems}
    assert (3, "name", "rollcall.import.missing") in found
    assert (3, "tier", "rollcall.import.tier") in found
    assert (3, "email", "rollcall.import.email") in found
    assert (4, "unit_code", "rollcall.import.unit") in found
    assert (4, "employee_number", "rollcall.import.duplicate") in found
    assert not any(p.line == 2 for p in report.problems)
    report = rollcall.import_staff(city.engine, city.admin, bad, dry_run=False)
    assert not report.applied
    assert rollcall.list_staff(city.engine, city.admin) == []


def test_reimport_moves_a_person_and_their_old_rollcall_keeps_the_old_unit(staffed):
    first = start(staffed, submission_id="before-move")
    moved = dict(STAFF, K1=("北 一郎", CHUO, 1, "k1@example.lg.jp", "lw-k1"))
    cp932 = csv_of(moved).decode().encode("cp932")  # as Japanese Excel saves it
    report = rollcall.import_staff(staffed.engine, staffed.admin, cp932, dry_run=False)
    assert (report.created, report.updated, report.moved) == (0, 5, 1)
    names = {
        v.employee_number: v.unit_code for v in rollcall.list_staff(staffed.engine, staffed.admin)
    }
    assert names["K1"] == CHUO
    assert rollcall.board(staffed.engine, staffed.admin, first).units[0].required == 3  # 北区


def test_only_the_crisis_office_imports(city):
    for who in (city.mayor, city.kita_head, city.kita_staff):
        with pytest.raises(PermissionDenied):
            rollcall.import_staff(city.engine, who, csv_of(STAFF), dry_run=True)


# --- start and selection -----------------------------------------------------------------------


def test_tier_and_unit_select_who_is_asked_and_each_channel_gets_a_row(staffed):
    everyone = start(staffed, submission_id="all")
    assert set(recipients(staffed.engine, everyone)) == set(STAFF)
    tier2 = start(staffed, submission_id="t2", tier=2)
    assert set(recipients(staffed.engine, tier2)) == {"K1", "K2", "C1"}
    kita = start(staffed, submission_id="kita", unit_code=KITA)
    assert set(recipients(staffed.engine, kita)) == {"K1", "K2", "K4"}
    with reading(staffed.engine) as s:
        rows = s.execute(
            select(OutboxMessage.channel_kind, OutboxMessage.purpose)
            .join(RollCallRecipient, RollCallRecipient.id == OutboxMessage.recipient_id)
            .where(RollCallRecipient.rollcall_id == kita)
        ).all()
    # K1 has both channels, K2 e-mail only, K4 LINE WORKS only.
    assert sorted(rows) == sorted(
        [
            ("email", "rollcall"),
            ("lineworks", "rollcall"),
            ("email", "rollcall"),
            ("lineworks", "rollcall"),
        ]
    )


def test_a_repeated_click_starts_one_rollcall_and_only_command_roles_start(staffed):
    assert start(staffed, submission_id="same") == start(staffed, submission_id="same")
    with pytest.raises(PermissionDenied):
        start(staffed, staffed.kita_head, submission_id="head")
    with pytest.raises(ValidationFailed):
        start(staffed, submission_id="bad", tier=7)


def test_a_rollcall_of_nobody_is_refused_with_the_reason_and_stores_nothing(city):
    with pytest.raises(ValidationFailed) as refused:
        start(city, submission_id="empty")  # no staff register yet
    assert refused.value.fields == {"scope": ("rollcall.nobody_called", {})}
    assert "Nobody in the staff register" in str(refused.value)
    assert rollcall.list_rollcalls(city.engine, city.admin) == []


def test_an_inactive_person_is_not_asked(staffed):
    k2 = next(
        v for v in rollcall.list_staff(staffed.engine, staffed.admin) if v.employee_number == "K2"
    )
    rollcall.set_staff_active(staffed.engine, staffed.admin, k2.id, False)
    assert "K2" not in recipients(staffed.engine, start(staffed, submission_id="x"))


def test_a_drill_rollcall_stays_out_of_real_views(staffed):
    real = start(staffed, submission_id="real")
    modes.start_drill(staffed.engine, staffed.admin, name="地震訓練")
    drill = start(staffed, submission_id="drill")
    assert [v.id for v in rollcall.list_rollcalls(staffed.engine, staffed.admin)] == [drill]
    modes.end_drill(staffed.engine, staffed.admin)
    views = rollcall.list_rollcalls(staffed.engine, staffed.admin)
    assert [v.id for v in views] == [real] and not views[0].exercise
    modes.clear_drill_data(staffed.engine, staffed.admin)
    assert recipients(staffed.engine, drill) == {}
    assert len(recipients(staffed.engine, real)) == len(STAFF)


# --- delivery ----------------------------------------------------------------------------------


def test_the_worker_sends_each_person_a_personal_link_on_each_channel(staffed, caplog):
    rc = start(staffed, submission_id="send", unit_code=KITA)
    channels = {"email": Recorder("email"), "lineworks": Recorder("lineworks")}
    report = delivery.run_outbox_once(
        staffed.engine, now=T0, channels=channels, credentials={}, settings=SETTINGS
    )
    assert report.sent == 4
    mails = channels["email"].sent
    assert sorted(t["to"][0] for _, t in mails) == ["k1@example.lg.jp", "k2@example.lg.jp"]
    message = mails[0][0]
    assert message.action_label == "回答する" and message.priority == "urgent"
    token = parse_qs(urlsplit(message.ack_url).query)["token"][0]
    assert urlsplit(message.ack_url).path == rollcall.ANSWER_PATH
    page = rollcall.answer_page(staffed.engine, token, settings=SETTINGS, now=T0)
    assert page.name in {"北 一郎", "北 二郎"} and page.latest is None
    assert rollcall.board(staffed.engine, staffed.admin, rc).total.sent == 3
    # A failing send is logged without its detail, which could name the person's address.
    failing = {
        "email": Recorder("email", SendResult.failed("550 k1@example.lg.jp", retryable=False))
    }
    start(staffed, submission_id="fail", unit_code=CHUO)
    with caplog.at_level(logging.WARNING):
        delivery.run_outbox_once(
            staffed.engine, now=T0, channels=failing, credentials={}, settings=SETTINGS
        )
    assert "example.lg.jp" not in caplog.text


# --- links -------------------------------------------------------------------------------------


def test_tampered_expired_foreign_and_other_secret_links_are_refused(staffed):
    rc = start(staffed, submission_id="links")
    good = token_for(staffed.engine, rc, "K1")
    assert answer(staffed.engine, good, "ok").safety == "safe"
    tampered = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
    expired_at = T0 + timedelta(hours=2, seconds=1)
    with transaction(staffed.engine) as s:
        ids = recipients(staffed.engine, rc)
        k2_staff = s.get(RollCallRecipient, ids["K2"]).staff_id
    # K1's recipient row with K2's staff id: a token for a person who was never asked there.
    foreign = make_answer_token(ids["K1"], k2_staff, secret=SECRET, now=T0)
    other_secret = make_answer_token(ids["K1"], 1, secret="another-secret-0123456", now=T0)
    for bad, when in (
        (tampered, None),
        (good, expired_at),
        (foreign, None),
        (other_secret, None),
        ("", None),
    ):
        with pytest.raises(PermissionDenied):
            answer(staffed.engine, bad, f"bad-{bad[:8]}", now=when or T0 + timedelta(minutes=5))
    people = {p.employee_number: p for p in rollcall.people(staffed.engine, staffed.admin, rc)}
    assert people["K1"].safety == "safe" and people["K2"].safety is None


def test_one_persons_link_never_changes_anothers_answer(staffed):
    rc = start(staffed, submission_id="mine")
    k1, k2 = token_for(staffed.engine, rc, "K1"), token_for(staffed.engine, rc, "K2")
    answer(staffed.engine, k1, "same-sub", attendance="arrived")
    with pytest.raises(PermissionDenied):  # replaying K1's submission id with K2's link
        answer(staffed.engine, k2, "same-sub", safety="injured_serious")
    assert rollcall.answer_page(staffed.engine, k2, settings=SETTINGS, now=T0).latest is None


# --- answers -----------------------------------------------------------------------------------


def test_every_change_of_an_answer_is_kept_and_the_latest_counts(staffed):
    rc = start(staffed, submission_id="changes")
    tok = token_for(staffed.engine, rc, "K1")
    answer(staffed.engine, tok, "a1", attendance="can_come", eta_minutes=30)
    answer(staffed.engine, tok, "a1", attendance="can_come", eta_minutes=30)  # double tap
    answer(
        staffed.engine,
        tok,
        "a2",
        "injured_minor",
        "cannot",
        reason="道路寸断",
        now=T0 + timedelta(minutes=20),
    )
    answer(staffed.engine, tok, "a3", attendance="arrived", now=T0 + timedelta(minutes=90))
    page = rollcall.answer_page(staffed.engine, tok, settings=SETTINGS, now=T0)
    assert [h.attendance for h in page.history] == ["can_come", "cannot", "arrived"]
    assert page.history[1].reason == "道路寸断" and page.history[0].eta_minutes == 30
    board = rollcall.board(staffed.engine, staffed.admin, rc)
    assert (board.total.answered, board.total.arrived, board.total.cannot) == (1, 1, 0)


def test_an_answer_with_a_bad_choice_is_refused(staffed):
    tok = token_for(staffed.engine, start(staffed, submission_id="v"), "K1")
    with pytest.raises(ValidationFailed):
        answer(staffed.engine, tok, "v1", safety="fine")
    with pytest.raises(ValidationFailed):
        answer(staffed.engine, tok, "v2", eta_minutes=-5)


# --- reminders ---------------------------------------------------------------------------------


def test_unanswered_people_are_reminded_after_the_interval_on_every_channel(staffed):
    rc = start(staffed, submission_id="remind", unit_code=KITA, remind_after_minutes=10)
    answer(staffed.engine, token_for(staffed.engine, rc, "K2"), "k2")
    assert rollcall.remind_unanswered(staffed.engine, now=T0 + timedelta(minutes=9)) == 0
    assert rollcall.remind_unanswered(staffed.engine, now=T0 + timedelta(minutes=10)) == 2
    assert rollcall.remind_unanswered(staffed.engine, now=T0 + timedelta(minutes=15)) == 0
    with reading(staffed.engine) as s:
        kinds = s.execute(
            select(StaffMember.employee_number, OutboxMessage.channel_kind)
            .join(RollCallRecipient, RollCallRecipient.id == OutboxMessage.recipient_id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(OutboxMessage.purpose == "rollcall_remind")
        ).all()
    assert sorted(kinds) == [("K1", "email"), ("K1", "lineworks"), ("K4", "lineworks")]
    for minutes in (20, 30, 40, 50):
        rollcall.remind_unanswered(staffed.engine, now=T0 + timedelta(minutes=minutes))
    people = rollcall.people(staffed.engine, staffed.admin, rc, unanswered_only=True)
    assert {p.employee_number: p.reminders for p in people} == {"K1": 3, "K4": 3}
    rollcall.end_rollcall(staffed.engine, staffed.admin, rc)
    assert rollcall.remind_unanswered(staffed.engine, now=T0 + timedelta(hours=5)) == 0


def test_reminder_messages_say_they_are_reminders(staffed):
    rc = start(staffed, submission_id="rm", unit_code=CHUO, remind_after_minutes=5)
    rollcall.remind_unanswered(staffed.engine, now=T0 + timedelta(minutes=5))
    mail = Recorder("email")
    delivery.run_outbox_once(
        staffed.engine,
        now=T0 + timedelta(minutes=5),
        channels={"email": mail},
        credentials={},
        settings=SETTINGS,
    )
    titles = sorted(m.title for m, _ in mail.sent)
    assert len(titles) == 4 and sum(t.startswith("【督促】") for t in titles) == 2
    assert rc


# --- scoping of personal data -------------------------------------------------------------------


def test_a_ward_head_sees_only_their_ward_and_the_mayor_sees_counts_only(staffed):
    rc = start(staffed, submission_id="scope")
    head_people = rollcall.people(staffed.engine, staffed.kita_head, rc)
    assert {p.employee_number for p in head_people} == {"K1", "K2", "K4"}
    with pytest.raises(PermissionDenied):
        rollcall.people(staffed.engine, staffed.kita_head, rc, unit_code=CHUO)
    with pytest.raises(PermissionDenied):
        rollcall.list_staff(staffed.engine, staffed.kita_head, unit_code=CHUO)
    assert {v.unit_code for v in rollcall.list_staff(staffed.engine, staffed.kita_head)} == {KITA}
    for who in (staffed.mayor, staffed.kita_staff, staffed.viewer, staffed.governor):
        with pytest.raises(PermissionDenied):
            rollcall.people(staffed.engine, who, rc)
    assert [u.unit_code for u in rollcall.board(staffed.engine, staffed.kita_head, rc).units] == [
        KITA
    ]
    assert rollcall.board(staffed.engine, staffed.mayor, rc).total.required == len(STAFF)
    for who in (staffed.kita_staff, staffed.viewer):
        with pytest.raises(PermissionDenied):
            rollcall.board(staffed.engine, who, rc)


# --- board -------------------------------------------------------------------------------------


def test_the_board_counts_per_unit_and_for_the_city(staffed):
    rc = start(staffed, submission_id="board")
    t = {n: token_for(staffed.engine, rc, n) for n in STAFF}
    answer(staffed.engine, t["K1"], "1", attendance="arrived", now=T0 + timedelta(minutes=25))
    answer(staffed.engine, t["K2"], "2", "injured_minor", "can_come", eta_minutes=100)
    answer(staffed.engine, t["K4"], "3", attendance="can_come", eta_minutes=300)
    answer(staffed.engine, t["C1"], "4", "injured_serious", "cannot", reason="負傷")
    board = rollcall.board(staffed.engine, staffed.admin, rc, now=T0 + timedelta(minutes=30))
    kita, chuo = board.units
    assert (kita.unit_code, kita.required, kita.answered, kita.safe, kita.injured) == (
        KITA,
        3,
        3,
        2,
        1,
    )
    assert (kita.can_come, kita.arrived, kita.within) == (2, 1, {1: 1, 3: 2, 6: 3})
    assert kita.rate == pytest.approx(1 / 3)
    assert (chuo.required, chuo.answered, chuo.cannot, chuo.unanswered) == (2, 1, 1, 1)
    total = board.total
    assert (total.required, total.answered, total.injured, total.arrived) == (5, 4, 2, 1)
    assert total.rate == pytest.approx(0.2)
    assert board.rate_over_time[0][1] == 0 and board.rate_over_time[-1][1] == pytest.approx(0.2)
    unanswered = rollcall.people(staffed.engine, staffed.admin, rc, unanswered_only=True)
    assert [p.employee_number for p in unanswered] == ["C3"]


def test_exports_hold_the_unit_heads_list(staffed):
    rc = start(staffed, submission_id="export", unit_code=KITA)
    rows = rollcall.people(staffed.engine, staffed.kita_head, rc)
    csv_text = rollcall.export_csv(rows, ["番号", "氏名"]).decode("utf-8-sig")
    assert "北 一郎" in csv_text and "中央" not in csv_text
    assert rollcall.export_xlsx(rows, ["番号", "氏名"])[:2] == b"PK"


# --- triggers ----------------------------------------------------------------------------------


def test_a_declaration_calls_in_its_tier_and_milder_ones_of_the_area(staffed):
    from dashboard.services import disaster

    disaster.declare_disaster(
        staffed.engine, staffed.mayor, submission_id="d", level=2, scope_code=CITY, now=T0
    )
    (view,) = rollcall.list_rollcalls(staffed.engine, staffed.admin)
    assert (view.trigger, view.tier, view.recipients) == ("declaration", 2, 3)
    assert set(recipients(staffed.engine, view.id)) == {"K1", "K2", "C1"}
    assert "第1非常配備" in view.title


def test_an_intensity_of_5_lower_or_more_starts_one_and_weaker_ones_do_not(staffed):
    engine, admin = staffed.engine, staffed.admin
    assert (
        rollcall.record_intensity(
            engine, admin, submission_id="a", scope_code=CITY, intensity="4", now=T0
        )
        is None
    )
    started = rollcall.record_intensity(
        engine, admin, submission_id="b", scope_code=CITY, intensity="5-", now=T0
    )
    assert started is not None
    again = rollcall.record_intensity(
        engine, admin, submission_id="b", scope_code=CITY, intensity="5-", now=T0
    )
    assert again == started  # the same input sent twice
    # An open roll-call already calls these tiers in: a second report asks nobody twice.
    assert (
        rollcall.record_intensity(
            engine, admin, submission_id="c", scope_code=CITY, intensity="5-", now=T0
        )
        is None
    )
    stronger = rollcall.record_intensity(
        engine, admin, submission_id="d", scope_code=CITY, intensity="6-", now=T0
    )
    views = {v.id: v for v in rollcall.list_rollcalls(engine, admin)}
    assert (views[started].trigger, views[started].tier, views[stronger].tier) == (
        "intensity",
        2,
        4,
    )
    assert views[stronger].recipients == len(STAFF)
    with pytest.raises(ValidationFailed):
        rollcall.record_intensity(engine, admin, submission_id="e", scope_code=CITY, intensity="8")
    with pytest.raises(PermissionDenied):
        rollcall.record_intensity(
            engine, staffed.kita_head, submission_id="f", scope_code=KITA, intensity="7"
        )


def test_a_declaration_during_a_drill_starts_a_drill_rollcall(staffed):
    from dashboard.services import disaster

    modes.start_drill(staffed.engine, staffed.admin, name="訓練")
    disaster.declare_disaster(
        staffed.engine, staffed.mayor, submission_id="d", level=4, scope_code=CITY, now=T0
    )
    (view,) = rollcall.list_rollcalls(staffed.engine, staffed.admin)
    assert view.exercise and view.recipients == len(STAFF)
    modes.end_drill(staffed.engine, staffed.admin)
    assert rollcall.list_rollcalls(staffed.engine, staffed.admin) == []


# --- JMA XML -----------------------------------------------------------------------------------


def jma_file(cities: dict[str, str] | None = None, areas=None, status="通常") -> bytes:
    """A telegram in JMA's layout (震源・震度に関する情報 when ``cities``, else 震度速報)."""
    from tests.dashboard.services.jma_telegrams import OSAKA_NORTH, telegram

    if cities is not None:
        return telegram(
            title="震源・震度に関する情報",
            status=status,
            cities={f"{code}00": (OSAKA_NORTH, value) for code, value in cities.items()},
        )
    return telegram(status=status, areas=areas)


def test_a_jma_report_gives_the_strongest_intensity_of_the_area(staffed):
    from tests.dashboard.services.jma_telegrams import OSAKA_NORTH, OSAKA_SOUTH

    engine, admin = staffed.engine, staffed.admin
    report = jma_file({KITA: "5+", CHUO: "4", "27203": "6-"})  # 豊中市 is not 大阪市
    intensity, started = rollcall.record_jma_intensity(
        engine, admin, data=report, submission_id="x", scope_code=CITY, now=T0
    )
    assert intensity == "5+" and started is not None
    (view,) = rollcall.list_rollcalls(engine, admin)
    assert view.trigger == "intensity" and view.tier == 3
    # 震度速報 names 細分区域 only: JMA's table places 中央区 in 大阪府北部, not 大阪府南部.
    north = jma_file(areas={OSAKA_NORTH: "5-", OSAKA_SOUTH: "6+"})
    assert (
        rollcall.record_jma_intensity(
            engine, admin, data=north, submission_id="y", scope_code=CHUO, now=T0
        )[0]
        == "5-"
    )
    south = jma_file(areas={OSAKA_SOUTH: "5-"})
    assert rollcall.record_jma_intensity(
        engine, admin, data=south, submission_id="s", scope_code=CITY, now=T0
    ) == (None, None)
    test = jma_file({KITA: "7"}, status="試験")
    for bad in (b"<Report/>", b"not xml", b'<!DOCTYPE x [<!ENTITY a "b">]><Report/>', test):
        with pytest.raises(ValidationFailed):
            rollcall.record_jma_intensity(
                engine, admin, data=bad, submission_id="z", scope_code=CITY
            )
    assert len(rollcall.list_rollcalls(engine, admin)) == 2  # 大阪市 5強, 中央区 5弱


def test_the_staffing_layer_colours_units_by_mobilisation_rate_without_names(staffed):
    assert rollcall.staffing_layer(staffed.engine, staffed.mayor) == {}
    rc = start(staffed, submission_id="layer")
    for number in ("K1", "K2"):
        answer(staffed.engine, token_for(staffed.engine, rc, number), number, attendance="arrived")
    layer = rollcall.staffing_layer(staffed.engine, staffed.mayor)
    assert set(layer) == {KITA, CHUO}
    assert (layer[KITA].arrived, layer[KITA].required, layer[KITA].colour) == (2, 3, "#fdcc8a")
    assert layer[CHUO].rate == 0 and layer[CHUO].colour == "#d7301f"
    assert not any(hasattr(s, "name") for s in layer.values())
    rollcall.end_rollcall(staffed.engine, staffed.admin, rc)
    assert rollcall.staffing_layer(staffed.engine, staffed.mayor) == {}
