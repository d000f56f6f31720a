"""Directives: targeting, one-click sending, the delivery state machine, escalation, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dashboard.channels.signing import make_ack_token
from dashboard.errors import PermissionDenied, ServiceError, ValidationFailed
from dashboard.services import command_map, delivery, directives
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    AuditEntry,
    ChannelTarget,
    DamageReport,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    OutboxMessage,
    ShelterStatus,
    utcnow,
)
from dashboard.ui.directives import board_table
from tests.factories import CHUO, CITY, KITA, KITA_POINT

SECRET = "test-secret-0123456789"
SETTINGS = Settings(
    secret_key=SECRET,
    escalation_minutes={"normal": 30, "high": 15, "urgent": 5},
    max_reminders=2,
    silent_after_minutes=30,
)
WARDS = 24


@pytest.fixture(autouse=True)
def _no_stray_workers():
    """Delivery workers left running by app tests in this process would deliver and escalate
    this test's data on the shared PostgreSQL database behind its back."""
    delivery.stop_all_workers()


def count(engine, model, *where) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def delivery_of(engine, directive_id: int, ward: str) -> DirectiveDelivery:
    with reading(engine) as s:
        return s.scalars(
            select(DirectiveDelivery).where(
                DirectiveDelivery.directive_id == directive_id,
                DirectiveDelivery.jurisdiction_code == ward,
            )
        ).one()


def add_targets(engine, ward: str, *kinds: str) -> None:
    configs = {
        "webhook": {"url": "http://127.0.0.1:9/hook"},
        "email": {"to": ["bousai@example.lg.jp"]},
        "lineworks": {"channel_id": f"room-{ward}"},
    }
    with transaction(engine) as s:
        for kind in kinds:
            s.add(ChannelTarget(jurisdiction_code=ward, kind=kind, config=configs[kind]))


def send(city, actor=None, *, wards=(KITA, CHUO), submission="s1", **kwargs) -> int:
    kwargs.setdefault("template", "report_damage")
    return directives.send_directive(
        city.engine, actor or city.mayor, submission_id=submission, ward_codes=list(wards), **kwargs
    )


# --- targeting ---------------------------------------------------------------------------------


def test_suggested_targets_are_severe_full_and_silent_wards(city):
    engine, now = city.engine, utcnow()
    with transaction(engine) as s:
        # 北区: someone trapped (level 4); 中央区: a full shelter; 此花区: minor damage only.
        for ward, severity, trapped in ((KITA, 2, 1), ("27104", 2, 0)):
            s.add(
                DamageReport(
                    submission_id=f"r-{ward}", lat=KITA_POINT[0], lon=KITA_POINT[1],
                    ward_code=ward, reporter_ward_code=ward, category="trapped",
                    severity=severity, trapped=trapped, reported_at=now,
                )
            )  # fmt: skip
        s.add(
            ShelterStatus(
                submission_id="full", shelter_id=city.shelters["chuo1"], state="full",
                evacuees=300, reported_at=now,
            )
        )  # fmt: skip
    suggested = command_map.suggested_targets(engine, city.mayor, now, settings=SETTINGS)
    assert suggested == {KITA: ("level",), CHUO: ("level", "full_shelter")}

    # Disaster mode declared 45 minutes ago: every ward that has said nothing is silent too.
    with transaction(engine) as s:
        s.add(
            DisasterDeclaration(level=2, scope_code=CITY, declared_at=now - timedelta(minutes=45))
        )
    suggested = command_map.suggested_targets(engine, city.mayor, now, settings=SETTINGS)
    # 此花区 reported a moment ago (not silent) and its damage is minor: not suggested.
    assert len(suggested) == WARDS - 1 and "27104" not in suggested
    assert suggested[KITA] == ("level",) and suggested["27102"] == ("silent",)
    # For the governor a ward's reasons count for its city.
    governor = command_map.suggested_targets(engine, city.governor, now, settings=SETTINGS)
    assert governor == {CITY: ("level", "full_shelter", "silent")}


def test_only_command_roles_get_suggestions_and_targets(city):
    for actor in (city.kita_head, city.kita_staff, city.viewer):
        with pytest.raises(PermissionDenied):
            command_map.suggested_targets(city.engine, actor)
        with pytest.raises(PermissionDenied):
            directives.list_targets(city.engine, actor)
    assert len(directives.list_targets(city.engine, city.mayor)) == WARDS
    assert [code for code, *_ in directives.list_targets(city.engine, city.governor)] == [CITY]


# --- sending -----------------------------------------------------------------------------------


def test_send_stores_directive_deliveries_and_outbox_once(city):
    engine = city.engine
    add_targets(engine, KITA, "webhook", "email")
    add_targets(engine, CHUO, "lineworks")
    with transaction(engine) as s:
        s.add(ChannelTarget(jurisdiction_code=CHUO, kind="email", config={}, enabled=False))
    first = send(city)
    again = send(city)  # the double click
    assert again == first
    assert count(engine, Directive) == 1
    assert count(engine, DirectiveDelivery) == 2
    # One message per enabled channel of each ward; the disabled target gets none.
    assert count(engine, OutboxMessage, OutboxMessage.purpose == "directive") == 3
    with reading(engine) as s:
        directive = s.get(Directive, first)
        assert directive.title == "被害状況を報告してください"  # from the template
        assert directive.priority == "high" and directive.kind == "directive"
        assert directive.scope_code == CITY and directive.issued_by_id == city.mayor.user_id
        assert s.scalar(select(func.count()).where(AuditEntry.action == "directive.sent")) == 1


def test_free_text_overrides_the_template_and_is_validated(city):
    directive_id = send(
        city, template=None, title="  水位上昇に警戒  ", body="河川の巡視を強化", priority="urgent"
    )
    with reading(city.engine) as s:
        d = s.get(Directive, directive_id)
        assert (d.title, d.body, d.priority, d.template) == (
            "水位上昇に警戒",
            "河川の巡視を強化",
            "urgent",
            None,
        )
    with pytest.raises(ValidationFailed) as failed:
        send(city, submission="s2", template=None, title=" ", wards=())
    assert set(failed.value.fields) == {"title", "ward_codes"}
    with pytest.raises(ValidationFailed):
        send(city, submission="s3", priority="whenever")
    assert count(city.engine, Directive) == 1


@pytest.mark.parametrize("who", ["kita_head", "kita_staff", "chuo_staff", "viewer"])
def test_only_mayor_governor_and_crisis_admin_may_send(city, who):
    with pytest.raises(PermissionDenied):
        send(city, getattr(city, who))
    assert count(city.engine, Directive) == 0


def test_senders_reach_only_their_own_jurisdictions(city):
    send(city, city.admin, submission="admin")
    # The governor addresses municipalities, not the wards of a city.
    with pytest.raises(PermissionDenied):
        send(city, city.governor, submission="gov-wards")
    send(city, city.governor, wards=(CITY,), submission="gov")
    # The mayor cannot address the city itself or anything outside it.
    with pytest.raises(PermissionDenied):
        send(city, city.mayor, wards=(KITA, "27000"), submission="mayor-pref")
    assert count(city.engine, Directive) == 2


# --- receiving and the state machine -----------------------------------------------------------


def test_ward_sees_unread_directives_and_opening_records_read(city):
    engine = city.engine
    directive_id = send(city)
    summary = directives.inbox_summary(engine, city.kita_staff)
    assert (summary.unread, summary.unacknowledged) == (1, 0)  # staff do not acknowledge
    assert summary.newest.title == "被害状況を報告してください"
    assert directives.inbox_summary(engine, city.kita_head).unacknowledged == 1
    # What the banner showed counts as delivered to the ward's screen.
    assert delivery_of(engine, directive_id, KITA).delivered_at is not None
    assert delivery_of(engine, directive_id, CHUO).delivered_at is None

    delivery = delivery_of(engine, directive_id, KITA).id
    assert directives.mark_read(engine, city.kita_staff, delivery) is True
    assert directives.mark_read(engine, city.kita_head, delivery) is False
    row = delivery_of(engine, directive_id, KITA)
    assert row.read_by_id == city.kita_staff.user_id
    assert directives.unread_count(engine, city.kita_head) == 0
    assert directives.unread_count(engine, city.chuo_staff) == 1
    # The mayor sent it; it is not in the mayor's own inbox.
    assert directives.list_inbox(engine, city.mayor) == []


def test_acknowledge_keeps_the_first_time_and_answer_implies_acknowledged(city):
    engine, t0 = city.engine, utcnow()
    directive_id = send(city, now=t0)
    kita = delivery_of(engine, directive_id, KITA).id
    first = directives.acknowledge(engine, city.kita_head, kita, now=t0 + timedelta(minutes=3))
    again = directives.acknowledge(engine, city.kita_head, kita, now=t0 + timedelta(minutes=9))
    assert again == first == t0 + timedelta(minutes=3)
    row = delivery_of(engine, directive_id, KITA)
    assert row.read_at == row.acknowledged_at  # acknowledging implies reading

    # 中央区 answers without acknowledging first: the answer acknowledges.
    chuo_head = _ward_head(city, CHUO)
    chuo = delivery_of(engine, directive_id, CHUO).id
    directives.answer(engine, chuo_head, chuo, status="in_progress", text="確認中", now=t0)
    directives.answer(
        engine, chuo_head, chuo, status="done", text="被害なし", now=t0 + timedelta(1)
    )
    row = delivery_of(engine, directive_id, CHUO)
    assert (row.answer_status, row.answer_text) == ("done", "被害なし")
    assert row.acknowledged_at == t0 and row.answered_at == t0 + timedelta(1)
    with reading(engine) as s:
        answers = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "directive.answered")
        ).all()
        assert [a.detail["status"] for a in answers] == ["in_progress", "done"]
    assert directives.list_inbox(engine, chuo_head)[0].status == "answered"


def test_cannot_comply_needs_a_reason(city):
    directive_id = send(city)
    kita = delivery_of(city.engine, directive_id, KITA).id
    with pytest.raises(ValidationFailed) as failed:
        directives.answer(city.engine, city.kita_head, kita, status="cannot", text="  ")
    assert failed.value.fields == {"text": ("directive.reason_required", {})}
    with pytest.raises(ValidationFailed):
        directives.answer(city.engine, city.kita_head, kita, status="maybe")
    assert delivery_of(city.engine, directive_id, KITA).acknowledged_at is None
    directives.answer(city.engine, city.kita_head, kita, status="cannot", text="職員不足")
    assert delivery_of(city.engine, directive_id, KITA).answer_status == "cannot"


def test_a_ward_cannot_act_for_another_ward(city):
    directive_id = send(city)
    chuo = delivery_of(city.engine, directive_id, CHUO).id
    for call in (
        lambda: directives.acknowledge(city.engine, city.kita_head, chuo),
        lambda: directives.answer(city.engine, city.kita_head, chuo, status="done"),
        lambda: directives.mark_read(city.engine, city.kita_staff, chuo),
    ):
        with pytest.raises(PermissionDenied):
            call()
    # Ward staff read but do not acknowledge, even for their own ward.
    kita = delivery_of(city.engine, directive_id, KITA).id
    with pytest.raises(PermissionDenied):
        directives.acknowledge(city.engine, city.kita_staff, kita)
    row = delivery_of(city.engine, directive_id, CHUO)
    assert row.read_at is None and row.acknowledged_at is None


def _ward_head(city, ward):
    from dashboard.domain import Role
    from dashboard.services.accounts import actor_for
    from tests.factories import make_user

    with transaction(city.engine) as s:
        return actor_for(make_user(s, f"head-{ward}", Role.WARD_HEAD, ward))


# --- tracking and escalation -------------------------------------------------------------------


def test_board_shows_progress_per_ward_and_the_map_outlines_the_rest(city):
    engine, t0 = city.engine, utcnow()
    directive_id = directives.send_directive(
        engine, city.mayor, submission_id="all", template="open_shelters",
        ward_codes=[code for code, *_ in directives.list_targets(engine, city.mayor)], now=t0,
    )  # fmt: skip
    kita = delivery_of(engine, directive_id, KITA).id
    directives.acknowledge(engine, city.kita_head, kita, now=t0 + timedelta(minutes=4, seconds=30))
    board = directives.directive_board(engine, city.admin, directive_id)
    assert len(board.rows) == WARDS and board.share_acknowledged == pytest.approx(1 / WARDS)
    row = next(r for r in board.rows if r.ward_code == KITA)
    assert row.minutes_to_ack == pytest.approx(4.5) and row.name("en") == "Kita"
    assert len(board.unacknowledged) == WARDS - 1 and KITA not in board.unacknowledged
    areas = directives.board_areas(engine, city.mayor, board)
    assert len(areas) == WARDS and areas.crs.to_epsg() == 4326
    assert areas.set_index("code")["acknowledged"].to_dict()[KITA]
    assert (~areas["acknowledged"]).sum() == WARDS - 1
    table = board_table(board, "ja")
    assert table[-2]["区"] == "北区" and table[-2]["了解まで(分)"] == "4.5"
    summaries = directives.list_directives(engine, city.governor)
    assert [(s.wards, s.acknowledged) for s in summaries] == [(WARDS, 1)]
    with pytest.raises(PermissionDenied):
        directives.directive_board(engine, city.kita_head, directive_id)


def test_escalation_reminds_on_every_channel_after_the_priority_minutes(city):
    engine, t0 = city.engine, utcnow()
    add_targets(engine, KITA, "webhook", "email")
    add_targets(engine, CHUO, "lineworks")
    directive_id = send(city, priority="urgent", now=t0)  # urgent: 5 minutes
    kita = delivery_of(engine, directive_id, KITA)

    def reminders() -> int:
        return count(engine, OutboxMessage, OutboxMessage.purpose == "reminder")

    assert (
        directives.escalate_overdue(engine, now=t0 + timedelta(minutes=4), settings=SETTINGS) == 0
    )
    directives.acknowledge(
        engine, _ward_head(city, CHUO), delivery_of(engine, directive_id, CHUO).id, now=t0
    )
    assert (
        directives.escalate_overdue(engine, now=t0 + timedelta(minutes=5), settings=SETTINGS) == 1
    )
    assert reminders() == 2  # 北区's webhook and e-mail; 中央区 acknowledged in time
    row = delivery_of(engine, directive_id, KITA)
    assert row.escalated_at == t0 + timedelta(minutes=5) and row.reminder_count == 1
    # Not again until another interval has passed; then the flag keeps its first time.
    assert (
        directives.escalate_overdue(engine, now=t0 + timedelta(minutes=9), settings=SETTINGS) == 0
    )
    assert (
        directives.escalate_overdue(engine, now=t0 + timedelta(minutes=10), settings=SETTINGS) == 1
    )
    # max_reminders=2: never a third time.
    assert directives.escalate_overdue(engine, now=t0 + timedelta(hours=3), settings=SETTINGS) == 0
    row = delivery_of(engine, directive_id, KITA)
    assert (row.reminder_count, row.escalated_at) == (2, t0 + timedelta(minutes=5))
    assert reminders() == 4 and kita.id == row.id
    assert directives.inbox_summary(engine, city.mayor).escalated == 1


def test_normal_priority_waits_longer_than_urgent(city):
    engine, t0 = city.engine, utcnow()
    send(city, priority="normal", now=t0)
    assert (
        directives.escalate_overdue(engine, now=t0 + timedelta(minutes=29), settings=SETTINGS) == 0
    )
    assert (
        directives.escalate_overdue(engine, now=t0 + timedelta(minutes=30), settings=SETTINGS) == 2
    )


def test_resend_reminds_unacknowledged_wards_once_per_click(city):
    engine, t0 = city.engine, utcnow()
    add_targets(engine, KITA, "webhook")
    add_targets(engine, CHUO, "webhook")
    directive_id = send(city, now=t0)
    directives.acknowledge(engine, city.kita_head, delivery_of(engine, directive_id, KITA).id)
    assert directives.resend_unacknowledged(engine, city.mayor, directive_id, now=t0) == 1
    assert directives.resend_unacknowledged(engine, city.mayor, directive_id, now=t0) == 0
    reminders = count(engine, OutboxMessage, OutboxMessage.purpose == "reminder")
    assert reminders == 1 and delivery_of(engine, directive_id, CHUO).reminder_count == 1
    with pytest.raises(PermissionDenied):
        directives.resend_unacknowledged(engine, city.kita_head, directive_id)


# --- acknowledgement from outside --------------------------------------------------------------


def test_signed_link_acknowledges_its_delivery_once(city):
    engine, now = city.engine, utcnow()
    directive_id = send(city)
    kita = delivery_of(engine, directive_id, KITA).id
    token = make_ack_token(kita, SECRET, expires_at=now + timedelta(hours=1))
    item, ward = directives.ack_link_item(engine, token, settings=SETTINGS)
    assert (item.delivery_id, ward) == (kita, "北区")
    outcome = directives.acknowledge_by_link(engine, token, settings=SETTINGS, now=now)
    assert outcome.new and outcome.ward_code == KITA
    assert not directives.acknowledge_by_link(engine, token, settings=SETTINGS).new
    assert delivery_of(engine, directive_id, KITA).acknowledged_at == now
    with reading(engine) as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "directive.acknowledged")
        ).one()
        assert entry.username == "ack-link" and entry.detail["via"] == "ack-link"

    expired = make_ack_token(kita, SECRET, expires_at=now - timedelta(seconds=1))
    forged = make_ack_token(kita, "another-secret-000000", expires_at=now + timedelta(hours=1))
    for bad in (expired, forged, "1.2.3", ""):
        assert directives.ack_link_item(engine, bad, settings=SETTINGS) is None
        with pytest.raises(ServiceError):
            directives.acknowledge_by_link(engine, bad, settings=SETTINGS)


# --- hostile and mistaken input (issue 10) -------------------------------------------------------


def test_nul_and_bidi_overrides_are_removed_from_title_body_and_answer(city):
    directive_id = send(
        city, template=None, title="避難所\x00を開設\u202e", body="\u202e本文\x00です\u2066"
    )
    with reading(city.engine) as s:
        stored = s.get(Directive, directive_id)
        assert (stored.title, stored.body) == ("避難所を開設", "本文です")
    kita = delivery_of(city.engine, directive_id, KITA).id
    directives.answer(city.engine, city.kita_head, kita, status="done", text="完了\x00\u202d済")
    assert delivery_of(city.engine, directive_id, KITA).answer_text == "完了済"


def test_over_long_fields_are_refused_with_their_limit(city):
    cases = [
        ({"title": "あ" * (directives.TITLE_MAX + 1)}, "title", directives.TITLE_MAX),
        ({"title": "件名", "body": "あ" * (directives.BODY_MAX + 1)}, "body", directives.BODY_MAX),
    ]
    for fields, field, maximum in cases:
        with pytest.raises(ValidationFailed) as failed:
            send(city, template=None, **fields)
        assert failed.value.fields == {field: ("directive.too_long", {"maximum": maximum})}
    # Invisible characters do not count: a full-length title with an override fits.
    send(city, template=None, title="あ" * directives.TITLE_MAX + "\u202e")
    directive_id = send(city, submission="s2")
    kita = delivery_of(city.engine, directive_id, KITA).id
    with pytest.raises(ValidationFailed) as failed:
        directives.answer(
            city.engine, city.kita_head, kita, status="done", text="あ" * (directives.BODY_MAX + 1)
        )
    assert failed.value.fields == {"text": ("directive.too_long", {"maximum": directives.BODY_MAX})}
    assert count(city.engine, Directive) == 2


def test_the_same_title_to_the_same_wards_from_another_click_asks_first(city):
    engine, t0 = city.engine, utcnow()
    first = send(city, submission="click-1", now=t0)
    with pytest.raises(directives.DuplicateDirective) as warned:
        send(city, submission="click-2", now=t0 + timedelta(seconds=30))
    assert warned.value.key == "directive.duplicate_warning" and warned.value.directive_id == first
    assert count(engine, Directive) == 1
    # A retry of the first click is no duplicate; other wards or a minute later are no duplicates.
    assert send(city, submission="click-1", now=t0 + timedelta(seconds=30)) == first
    send(city, submission="click-3", wards=(KITA,), now=t0 + timedelta(seconds=30))
    send(city, submission="click-4", now=t0 + timedelta(seconds=61))
    assert count(engine, Directive) == 3
    # Confirmed, the second one goes out.
    send(city, submission="click-5", now=t0 + timedelta(seconds=70), confirmed=True)
    assert count(engine, Directive) == 4
