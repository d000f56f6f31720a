"""Roll-call, directives and shelters answered from the talk room, stored as the pages store
them."""

from __future__ import annotations

from sqlalchemy import select, update

from dashboard.channels.lineworks import build_payload
from dashboard.services import chatbot, directives, rollcall, shelters
from dashboard.services.delivery import PERSONAL_SOURCES
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    AuditEntry,
    BotInboundEvent,
    ChannelTarget,
    DirectiveDelivery,
    RollCallAnswer,
    RollCallRecipient,
    ShelterStatus,
    StaffMember,
    utcnow,
)
from tests.dashboard.services.chatbot.fake_lineworks import tap, text
from tests.factories import CHUO, CITY, KITA

HEAD, STAFF = "lw-kita-head", "lw-kita-staff"
PERSON = "lw-k1"


def staff_csv() -> bytes:
    return (
        "employee_number,name,unit_code,tier,email,lineworks_user_id\n"
        f"K1,北 一郎,{KITA},1,,{PERSON}\n"
        f"C1,中央 一子,{CHUO},1,c1@example.lg.jp,\n"
    ).encode()


def started_rollcall(talk) -> tuple[int, int]:
    city = talk.city
    assert rollcall.import_staff(city.engine, city.admin, staff_csv(), dry_run=False).applied
    call_id = rollcall.start_rollcall(
        city.engine, city.admin, submission_id="rc-bot", scope_code=CITY
    )
    with reading(city.engine) as s:
        recipient = s.scalar(
            select(RollCallRecipient.id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(StaffMember.employee_number == "K1")
        )
    return call_id, recipient


def test_the_rollcall_message_carries_answer_buttons_and_an_eta_quick_reply(talk):
    _, recipient = started_rollcall(talk)
    build = PERSONAL_SOURCES["rollcall"]
    with reading(talk.engine) as s:
        message = build(s, [recipient], "rollcall", talk.settings, utcnow())[recipient].message
    content = build_payload(message, {"user_id": PERSON})["content"]
    labels = [a["label"] for a in content["actions"]]
    assert labels == ["無事・参集できる", "無事・参集できない", "負傷", "到着した", "回答する"]
    assert content["actions"][-1]["type"] == "uri"  # the signed link stays
    quick = [i["action"]["label"] for i in content["quickReply"]["items"]]
    assert quick == ["30分", "1時間", "3時間", "それ以上"]


def test_a_rollcall_answered_by_button_shows_on_the_board(talk):
    call_id, recipient = started_rollcall(talk)
    talk.send(tap(PERSON, f"rc:{recipient}:come"))
    assert talk.api.texts_to(PERSON)[-1].startswith("回答を受け付けました：無事・参集できる")
    assert talk.api.quick_postbacks(PERSON) == [
        f"rc:{recipient}:eta30",
        f"rc:{recipient}:eta60",
        f"rc:{recipient}:eta180",
        f"rc:{recipient}:etamore",
    ]
    talk.send(tap(PERSON, f"rc:{recipient}:eta60"))
    with reading(talk.engine) as s:
        answers = s.scalars(select(RollCallAnswer).order_by(RollCallAnswer.id)).all()
    # Append-only, as the answer page stores them.
    assert [(a.safety, a.attendance, a.eta_minutes) for a in answers] == [
        ("safe", "can_come", None),
        ("safe", "can_come", 60),
    ]
    board = rollcall.board(talk.engine, talk.city.admin, call_id)
    kita = next(u for u in board.units if u.unit_code == KITA)
    assert (kita.answered, kita.safe, kita.can_come) == (1, 1, 1)
    talk.send(tap(PERSON, f"rc:{recipient}:arrived"))
    board = rollcall.board(talk.engine, talk.city.admin, call_id)
    assert next(u for u in board.units if u.unit_code == KITA).arrived == 1


def test_nobody_can_answer_for_someone_else(talk):
    _, recipient = started_rollcall(talk)
    talk.send(tap(STAFF, f"rc:{recipient}:injured"))  # kita_staff is not K1
    with reading(talk.engine) as s:
        assert s.scalars(select(RollCallAnswer)).all() == []
    assert talk.api.texts_to(STAFF)[-1].startswith("この操作の権限がありません")


def kita_delivery(talk) -> int:
    directive_id = directives.send_directive(
        talk.engine,
        talk.city.mayor,
        submission_id="d-bot",
        ward_codes=[KITA, CHUO],
        template="report_damage",
    )
    with reading(talk.engine) as s:
        return s.scalar(
            select(DirectiveDelivery.id).where(
                DirectiveDelivery.directive_id == directive_id,
                DirectiveDelivery.jurisdiction_code == KITA,
            )
        )


def test_a_directive_is_acknowledged_and_answered_from_the_talk_room(talk):
    delivery = kita_delivery(talk)
    talk.send(tap(HEAD, f"ack:{delivery}"))
    talk.send(tap(HEAD, f"ans:{delivery}:cannot"))
    assert talk.api.texts_to(HEAD)[-1] == "対応できない理由を返信してください。"
    talk.send(text(HEAD, "職員が参集できていません"))
    with reading(talk.engine) as s:
        row = s.get(DirectiveDelivery, delivery)
        acks = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "directive.acknowledged")
        ).all()
    assert row.acknowledged_at is not None
    assert (row.answer_status, row.answer_text) == ("cannot", "職員が参集できていません")
    assert [(a.username, a.detail["via"]) for a in acks] == [("kita_head", "lineworks")]
    assert talk.api.texts_to(HEAD)[-1] == "回答を記録しました：対応不可"


def test_staff_may_not_answer_a_directive_for_the_ward(talk):
    delivery = kita_delivery(talk)
    talk.send(tap(STAFF, f"ans:{delivery}:done"))
    with reading(talk.engine) as s:
        assert s.get(DirectiveDelivery, delivery).answer_status is None


def open_kita_shelters(talk) -> None:
    for key, evacuees in (("kita1", 50), ("kita2", 80)):
        shelters.record_status(
            talk.engine,
            talk.city.kita_staff,
            shelter_id=talk.city.shelters[key],
            submission_id=f"open-{key}",
            state="open",
            evacuees=evacuees,
        )


def latest(talk, key: str) -> ShelterStatus:
    with reading(talk.engine) as s:
        return s.scalars(
            select(ShelterStatus)
            .where(ShelterStatus.shelter_id == talk.city.shelters[key])
            .order_by(ShelterStatus.id.desc())
        ).first()


def test_all_unchanged_through_the_bot_confirms_every_open_shelter(talk):
    open_kita_shelters(talk)
    talk.send(text(STAFF, "全て変化なし"))
    assert talk.api.texts_to(STAFF)[-1] == "開設中の避難所 2 か所を「変化なし」で確認しました。"
    for key, evacuees in (("kita1", 50), ("kita2", 80)):
        status = latest(talk, key)
        assert status.confirmation and (status.state, status.evacuees) == ("open", evacuees)


def test_a_shelter_is_updated_with_a_typed_full_width_count(talk):
    open_kita_shelters(talk)
    talk.send(text(STAFF, "避難所"))
    listed = talk.api.quick_postbacks(STAFF)
    kita1 = talk.city.shelters["kita1"]
    pick = next(p for p in listed if p.startswith(f"sh:{kita1}:"))
    assert listed[-1] == "sh_all"
    talk.send(tap(STAFF, pick))
    states = talk.api.quick_postbacks(STAFF)
    assert [p.rsplit(":", 1)[1] for p in states] == ["same", "open", "full", "closed"]
    talk.send(tap(STAFF, states[2]))  # 満員
    assert "避難者数" in talk.api.texts_to(STAFF)[-1]
    talk.send(text(STAFF, "１２０"))
    status = latest(talk, "kita1")
    assert (status.state, status.evacuees, status.confirmation) == ("full", 120, False)
    assert talk.api.texts_to(STAFF)[-1] == "記録しました：北第1小学校 満員 120人"


def test_an_answer_based_on_an_older_status_is_refused_and_the_newer_shown(talk):
    open_kita_shelters(talk)
    talk.send(text(STAFF, "避難所"))
    kita1 = talk.city.shelters["kita1"]
    pick = next(p for p in talk.api.quick_postbacks(STAFF) if p.startswith(f"sh:{kita1}:"))
    talk.send(tap(STAFF, pick))
    closed = talk.api.quick_postbacks(STAFF)[3]
    # Meanwhile the head records a newer status on the page.
    shelters.record_status(
        talk.engine,
        talk.city.kita_head,
        shelter_id=kita1,
        submission_id="newer",
        state="full",
        evacuees=200,
    )
    talk.send(tap(STAFF, closed))
    assert (latest(talk, "kita1").state, latest(talk, "kita1").evacuees) == ("full", 200)
    assert "kita_headさんから新しい報告があります：満員 200人" in talk.api.texts_to(STAFF)[-1]


def test_staff_may_acknowledge_in_the_wards_own_room_only(talk):
    delivery = kita_delivery(talk)
    with transaction(talk.engine) as s:
        config = {"channel_id": "room-kita", "ack_action": "message"}
        s.add(ChannelTarget(jurisdiction_code=KITA, kind="lineworks", config=config))
    talk.send(tap(STAFF, f"ack:{delivery}", channel_id="room-chuo"))
    with reading(talk.engine) as s:
        assert s.get(DirectiveDelivery, delivery).acknowledged_at is None
    talk.send(tap(STAFF, f"ack:{delivery}", channel_id="room-kita"))
    with reading(talk.engine) as s:
        assert s.get(DirectiveDelivery, delivery).acknowledged_at is not None
    assert talk.api.texts_to(STAFF)[-1].startswith("了解を記録しました")


def test_an_event_worked_again_after_a_crash_stores_nothing_twice(talk):
    _, recipient = started_rollcall(talk)
    talk.send(tap(PERSON, f"rc:{recipient}:cannot"))
    # As if the process died after storing the answer but before marking the event done.
    with transaction(talk.engine) as s:
        s.execute(update(BotInboundEvent).values(status="pending"))
    chatbot.process_due(talk.engine, settings=talk.settings)
    with reading(talk.engine) as s:
        answers = s.scalars(select(RollCallAnswer)).all()
    assert [(a.safety, a.attendance) for a in answers] == [("safe", "cannot")]


def test_a_rich_menu_postback_works_like_the_typed_word(talk):
    open_kita_shelters(talk)
    talk.send(tap(STAFF, "全て変化なし"))
    assert talk.api.texts_to(STAFF)[-1] == "開設中の避難所 2 か所を「変化なし」で確認しました。"


def acknowledged(talk, delivery: int) -> bool:
    with reading(talk.engine) as s:
        return s.get(DirectiveDelivery, delivery).acknowledged_at is not None


def test_only_a_well_formed_tap_for_the_rooms_own_ward_acknowledges(talk):
    # (What the old directives.handle_lineworks_callback's test protected, on the bot's path.)
    delivery = kita_delivery(talk)
    with reading(talk.engine) as s:
        chuo = s.scalar(
            select(DirectiveDelivery.id).where(
                DirectiveDelivery.jurisdiction_code == CHUO, DirectiveDelivery.id != delivery
            )
        )
    with transaction(talk.engine) as s:
        config = {"channel_id": "room-kita", "ack_action": "message"}
        s.add(ChannelTarget(jurisdiction_code=KITA, kind="lineworks", config=config))
    # 北区's room tapping 了解 for 中央区's delivery.
    talk.send(tap(STAFF, f"ack:{chuo}", channel_id="room-kita"))
    # Typed words, and postbacks that only look like 了解.
    talk.send(text(STAFF, "了解しました", channel_id="room-kita"))
    for forged in ("ack:abc", "ack:0", f"ack:0{delivery}", "ack:"):
        talk.send(tap(STAFF, forged, channel_id="room-kita"))
    assert not acknowledged(talk, chuo) and not acknowledged(talk, delivery)
    assert not any(t.startswith("了解を記録しました") for t in talk.api.texts_to(STAFF))
    talk.send(tap(STAFF, f"ack:{delivery}", channel_id="room-kita"))
    assert acknowledged(talk, delivery) and not acknowledged(talk, chuo)
