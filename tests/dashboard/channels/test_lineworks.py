from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading

import pytest

from dashboard.channels.lineworks import (
    CONTENT_TEXT_LIMIT,
    LineWorksChannel,
    compose_text,
    verify_callback_signature,
)
from tests.dashboard.channels.factories import make_message
from tests.dashboard.channels.fakes import FakeLineWorks, closed_port

ROOM = {"channel_id": "room-kita-1"}
# Short enough to keep the failure tests fast, long enough for a loaded 2-core machine.
TIMEOUT = 2.0


def send(fake: FakeLineWorks, channel: LineWorksChannel | None = None, **kwargs):
    channel = channel or LineWorksChannel()
    message = kwargs.pop("message", make_message())
    target = kwargs.pop("target", ROOM)
    return channel.send(message, target, fake.credentials, timeout=kwargs.pop("timeout", TIMEOUT))


def test_directive_arrives_as_button_template_with_ack_link(lineworks_server: FakeLineWorks):
    result = send(lineworks_server)

    assert result.ok, result.detail
    assert lineworks_server.problems == []
    assert lineworks_server.message_paths == ["/v1.0/bots/2000001/channels/room-kita-1/messages"]
    content = lineworks_server.messages[0]["content"]
    text = content["contentText"]
    assert text.startswith("【至急】[指示] 避難所の開設状況を報告してください\n北区 ご担当者様")
    assert "区内の指定避難所の開設状況を至急報告してください。" in text
    assert text.endswith("期限: 2025年9月1日 18:30")
    assert content["actions"] == [{"type": "uri", "label": "了解", "uri": make_message().ack_url}]


def test_message_ack_mode_sends_postback_with_delivery_id(lineworks_server: FakeLineWorks):
    result = send(lineworks_server, target={**ROOM, "ack_action": "message"})

    assert result.ok, result.detail
    actions = lineworks_server.messages[0]["content"]["actions"]
    assert actions[0] == {"type": "message", "label": "了解", "postback": "ack:4242"}
    # The directive's answers can be tapped beside 了解 (the bot takes them).
    assert [(a["label"], a["postback"]) for a in actions[1:]] == [
        ("対応済", "ans:4242:done"),
        ("対応中", "ans:4242:in_progress"),
        ("対応不可", "ans:4242:cannot"),
        ("返信で回答", "ans:4242:reply"),
    ]


def test_english_message_and_single_user_target(lineworks_server: FakeLineWorks):
    message = make_message(language="en", priority="high", deadline=None)

    result = send(lineworks_server, message=message, target={"user_id": "tanaka@example.lg.jp"})

    assert result.ok, result.detail
    assert lineworks_server.message_paths == [
        "/v1.0/bots/2000001/users/tanaka%40example.lg.jp/messages"
    ]
    content = lineworks_server.messages[0]["content"]
    assert content["contentText"].startswith("[Important] [Directive] ")
    assert "Deadline" not in content["contentText"]
    assert content["actions"][0]["label"] == "Acknowledge"


def test_token_is_exchanged_once_for_two_messages(lineworks_server: FakeLineWorks):
    channel = LineWorksChannel()

    first = send(lineworks_server, channel)
    second = send(lineworks_server, channel, message=make_message(delivery_id=4243))

    assert first.ok and second.ok
    assert len(lineworks_server.token_requests) == 1
    assert len(lineworks_server.messages) == 2


def test_concurrent_senders_share_one_token_exchange(lineworks_server: FakeLineWorks):
    channel = LineWorksChannel()
    results = []
    start = threading.Barrier(5)

    def worker(delivery_id: int) -> None:
        start.wait()
        results.append(
            send(lineworks_server, channel, message=make_message(delivery_id=delivery_id))
        )

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.ok for r in results] == [True] * 5
    assert len(lineworks_server.token_requests) == 1


def test_token_is_renewed_shortly_before_it_expires(lineworks_server: FakeLineWorks):
    now = [1000.0]
    channel = LineWorksChannel(clock=lambda: now[0])

    send(lineworks_server, channel)
    now[0] += 86400 - 600  # still 10 minutes left: reused
    send(lineworks_server, channel)
    now[0] += 400  # under the 5-minute margin: renewed
    send(lineworks_server, channel)

    assert len(lineworks_server.token_requests) == 2


def test_revoked_token_is_refreshed_once_and_message_retried(lineworks_server: FakeLineWorks):
    channel = LineWorksChannel()
    assert send(lineworks_server, channel).ok
    lineworks_server.revoke_tokens()

    result = send(lineworks_server, channel)

    assert result.ok, result.detail
    assert lineworks_server.issued_tokens == ["token-1", "token-2"]
    assert lineworks_server.message_calls == 3  # ok, 401, ok
    assert len(lineworks_server.messages) == 2


def test_token_refused_after_refresh_is_not_retryable(lineworks_server: FakeLineWorks):
    lineworks_server.reject_tokens = True

    result = send(lineworks_server)

    assert not result.ok and not result.retryable
    assert "401" in result.detail and "after token refresh" in result.detail
    assert len(lineworks_server.token_requests) == 2
    assert lineworks_server.message_calls == 2


@pytest.mark.parametrize(
    ("status", "retryable", "retry_after"),
    [
        (500, True, None),
        (503, True, None),
        (429, True, 30.0),
        (400, False, None),
        (403, False, None),
    ],
)
def test_message_failures_are_classified(
    lineworks_server: FakeLineWorks, status: int, retryable: bool, retry_after: float | None
):
    lineworks_server.message_statuses = [status]

    result = send(lineworks_server)

    assert not result.ok
    assert result.retryable is retryable
    assert result.retry_after == retry_after
    assert f"HTTP {status}" in result.detail


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (401, False), (503, True)])
def test_token_endpoint_failures_are_classified(
    lineworks_server: FakeLineWorks, status: int, retryable: bool
):
    lineworks_server.token_statuses = [status]

    result = send(lineworks_server)

    assert not result.ok and result.retryable is retryable
    assert f"LINE WORKS token: HTTP {status}" in result.detail
    assert lineworks_server.message_calls == 0


def test_connection_refused_is_retryable(lineworks_server: FakeLineWorks):
    port = closed_port()
    lineworks_server.credentials["token_url"] = f"http://127.0.0.1:{port}/oauth2/v2.0/token"

    result = send(lineworks_server)

    assert not result.ok and result.retryable
    assert "connection failed" in result.detail


def test_timeout_is_retryable(lineworks_server: FakeLineWorks):
    lineworks_server.message_delay = 1.5

    result = send(lineworks_server, timeout=0.3)

    assert not result.ok and result.retryable
    assert "timed out" in result.detail


def test_unusable_private_key_fails_without_any_request(lineworks_server: FakeLineWorks):
    lineworks_server.credentials["private_key"] = "-----BEGIN PRIVATE KEY-----\nnope\n"

    result = send(lineworks_server)

    assert not result.ok and not result.retryable
    assert "private_key" in result.detail
    assert lineworks_server.token_requests == [] and lineworks_server.message_calls == 0


def test_missing_credentials_are_named(lineworks_server: FakeLineWorks):
    del lineworks_server.credentials["bot_id"]
    lineworks_server.credentials["client_secret"] = ""

    result = send(lineworks_server)

    assert not result.ok and not result.retryable
    assert "client_secret" in result.detail and "bot_id" in result.detail


def test_private_key_from_one_line_environment_variable(lineworks_server: FakeLineWorks):
    pem = lineworks_server.credentials["private_key"]
    lineworks_server.credentials["private_key"] = pem.replace("\n", "\\n")

    result = send(lineworks_server)

    assert result.ok, result.detail
    assert lineworks_server.problems == []


def test_long_body_is_cut_to_the_api_limit_keeping_heading_and_deadline(
    lineworks_server: FakeLineWorks,
):
    message = make_message(body="川の水位が上昇しています。" * 300)

    result = send(lineworks_server, message=message)

    assert result.ok, result.detail
    text = lineworks_server.messages[0]["content"]["contentText"]
    assert len(text) == CONTENT_TEXT_LIMIT
    assert text.startswith("【至急】[指示]")
    assert "…\n期限: 2025年9月1日 18:30" in text


def test_emoji_count_twice_towards_the_limit():
    text = compose_text(make_message(body="🌀" * 1000, deadline=None))

    assert len(text.encode("utf-16-le")) // 2 <= CONTENT_TEXT_LIMIT
    assert text.endswith("🌀…")


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ({}, "exactly one of channel_id"),
        ({"channel_id": "a", "user_id": "b"}, "exactly one of channel_id"),
        ({"channel_id": 5}, "channel_id must be a string"),
        ({"channel_id": "a", "ack_action": "postback"}, "ack_action must be one of"),
    ],
)
def test_bad_targets_are_reported(target: dict, problem: str):
    problems = LineWorksChannel().validate_target(target)

    assert any(problem in str(p) for p in problems), problems
    assert all(p.text("ja") != str(p) for p in problems)  # the admin reads it in Japanese


def test_good_targets_have_no_problems():
    channel = LineWorksChannel()

    assert channel.validate_target({"channel_id": "room"}) == []
    assert channel.validate_target({"user_id": "u", "ack_action": "message"}) == []


# --- callbacks -------------------------------------------------------------------------------

BOT_SECRET = "bot-secret-from-console"
ACK_EVENT = {
    "type": "message",
    "source": {
        "userId": "c72af563-0f21-4736-11e4-045237113344",
        "channelId": "room-kita-1",
        "domainId": 40029600,
    },
    "issuedTime": "2025-09-01T09:16:05.716Z",
    "content": {"type": "text", "text": "了解", "postback": "ack:4242"},
}


def sign(body: bytes, secret: str = BOT_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_callback_signature_is_accepted_when_valid():
    body = json.dumps(ACK_EVENT, ensure_ascii=False).encode()

    assert verify_callback_signature(body, sign(body), BOT_SECRET)


def test_callback_signature_rejects_tampered_body():
    body = json.dumps(ACK_EVENT, ensure_ascii=False).encode()
    tampered = body.replace(b"ack:4242", b"ack:4243")

    assert not verify_callback_signature(tampered, sign(body), BOT_SECRET)


def test_callback_signature_rejects_wrong_secret_and_missing_header():
    body = json.dumps(ACK_EVENT).encode()

    assert not verify_callback_signature(body, sign(body, "another-bot"), BOT_SECRET)
    assert not verify_callback_signature(body, "", BOT_SECRET)
    assert not verify_callback_signature(body, "不正な署名", BOT_SECRET)
