"""Every callback is verified before it is read, queued once, refused when old; unknown and
deactivated people get one line and nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from dashboard.services import chatbot, shelters
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import BotInboundEvent, ShelterStatus, User, utcnow
from tests.dashboard.services.chatbot.fake_lineworks import BOT_SECRET, signature_of, text

STAFF = "lw-kita-staff"


def queued(engine) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(BotInboundEvent))


def statuses(engine) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(ShelterStatus))


def test_a_forged_signature_is_refused_before_anything_is_stored(talk):
    body = text(STAFF, "全て変化なし")
    received = chatbot.receive_callback(
        talk.engine, body, signature_of(body, "not-the-secret"), BOT_SECRET, settings=talk.settings
    )
    assert received.outcome == "forged"
    # A body altered after signing fails too.
    altered = body.replace("全て".encode(), "すべて".encode())
    received = chatbot.receive_callback(
        talk.engine, altered, signature_of(body), BOT_SECRET, settings=talk.settings
    )
    assert received.outcome == "forged"
    assert queued(talk.engine) == 0 and talk.api.sent == []


def test_a_replayed_event_changes_nothing(talk):
    body = text(STAFF, "全て変化なし")
    # Open a shelter so that "no change" has something to confirm.
    shelters.record_status(
        talk.engine,
        talk.city.kita_staff,
        shelter_id=talk.city.shelters["kita1"],
        submission_id="open-1",
        state="open",
        evacuees=10,
    )
    assert talk.send(body).outcome == "accepted"
    assert statuses(talk.engine) == 2
    assert talk.send(body).outcome == "duplicate"
    assert statuses(talk.engine) == 2
    assert queued(talk.engine) == 1
    assert len(talk.api.texts_to(STAFF)) == 1


def test_an_old_or_future_event_is_refused(talk):
    now = utcnow()
    old = text(STAFF, "避難所", issued=now - timedelta(minutes=6))
    future = text(STAFF, "避難所", issued=now + timedelta(minutes=6))
    assert talk.send(old, now=now).outcome == "stale"
    assert talk.send(future, now=now).outcome == "stale"
    assert queued(talk.engine) == 0 and talk.api.sent == []


def test_an_oversized_or_unreadable_body_is_not_an_event(talk):
    huge = b'{"type":"message","pad":"' + b"x" * chatbot.MAX_CALLBACK_BYTES + b'"}'
    assert talk.send(huge).outcome == "invalid"
    assert talk.send(b"[1, 2]").outcome == "invalid"
    assert queued(talk.engine) == 0


def test_an_unknown_user_gets_one_polite_line_and_nothing_else(talk):
    assert talk.send(text("lw-stranger", "全て変化なし")).outcome == "accepted"
    assert talk.api.texts_to("lw-stranger") == [
        "申し訳ありません。このLINE WORKSアカウントはダッシュボードに登録されていません。"
        "危機管理室にお問い合わせください。"
    ]
    assert statuses(talk.engine) == 0


def test_a_deactivated_user_is_refused(talk):
    with transaction(talk.engine) as s:
        s.execute(update(User).where(User.lineworks_user_id == STAFF).values(active=False))
    talk.send(text(STAFF, "全て変化なし"))
    assert talk.api.texts_to(STAFF) == ["このアカウントは利用停止中のため、受け付けできません。"]
    assert statuses(talk.engine) == 0


def test_a_viewer_may_not_report(talk):
    talk.send(text("lw-viewer", "全て変化なし"))
    assert talk.api.texts_to("lw-viewer")[-1].startswith("この操作の権限がありません")
    assert statuses(talk.engine) == 0


def test_message_text_is_sent_back_as_plain_text_only(talk):
    talk.send(text(STAFF, "<script>alert(1)</script>"))
    [content] = [c for u, c in talk.api.sent if u == STAFF]
    assert content["type"] == "text" and "<script>" not in content["text"]


def test_the_worker_works_what_is_left_and_forgets_old_events(talk):
    body = text(STAFF, "避難所")
    now = utcnow()
    chatbot.receive_callback(
        talk.engine, body, signature_of(body), BOT_SECRET, settings=talk.settings, now=now
    )
    assert talk.api.sent == []  # queued, not yet worked (as if the process stopped)
    chatbot.process_bot_events(talk.engine, now=now, settings=talk.settings)
    assert talk.api.texts_to(STAFF)[-1].startswith("避難所を選んでください。")
    assert chatbot.count_by_status(talk.engine) == {"done": 1}
    # A week later the worked event is deleted (its body held what the person sent).
    chatbot.process_bot_events(talk.engine, now=now + timedelta(days=8), settings=talk.settings)
    assert queued(talk.engine) == 0


def test_a_deactivated_user_whose_account_is_in_english_is_refused_in_english(talk):
    with transaction(talk.engine) as s:
        s.execute(
            update(User).where(User.lineworks_user_id == STAFF).values(active=False, language="en")
        )
    talk.send(text(STAFF, "全て変化なし"))
    assert talk.api.texts_to(STAFF) == ["This account is deactivated; nothing was recorded."]
    assert statuses(talk.engine) == 0
