from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from dashboard.channels.webhook import WebhookChannel
from tests.dashboard.channels.factories import make_message
from tests.dashboard.channels.fakes import LocalHttpServer, Recorded, closed_port

TIMEOUT = 2.0
SECRET = "kita-webhook-secret"
CREDENTIALS = {"secrets": {"kita": SECRET}}
SENT_AT = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


class Receiver:
    """A ward's webhook receiver: checks the signature the way receivers are told to."""

    def __init__(self) -> None:
        self.status = 204
        self.delay = 0.0
        self.headers: dict[str, str] = {}
        self.signature_valid: list[bool] = []

    def respond(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        time.sleep(self.delay)
        header = request.header("X-Dashboard-Signature")
        if header is not None:
            expected = (
                "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
            )
            self.signature_valid.append(hmac.compare_digest(header, expected))
        return self.status, self.headers, b"rejected: see logs" if self.status >= 400 else b""


@pytest.fixture()
def receiver() -> Iterator[tuple[Receiver, LocalHttpServer]]:
    fake = Receiver()
    with LocalHttpServer(fake.respond) as server:
        yield fake, server


def channel() -> WebhookChannel:
    return WebhookChannel(now=lambda: SENT_AT)


def test_payload_has_documented_fields_and_valid_signature(receiver):
    fake, server = receiver
    target = {"url": f"{server.url}/hooks/directive", "secret_name": "kita"}

    result = channel().send(make_message(message_id=901), target, CREDENTIALS, timeout=TIMEOUT)

    assert result.ok, result.detail
    request = server.requests[0]
    assert request.path == "/hooks/directive"
    assert request.header("Content-Type") == "application/json; charset=utf-8"
    assert request.header("X-Dashboard-Delivery") == "4242"
    assert fake.signature_valid == [True]
    assert json.loads(request.body.decode("utf-8")) == {
        "event": "directive",
        "version": 2,
        "message_id": 901,
        "attempt": 1,
        "directive_id": 7,
        "delivery_id": 4242,
        "ward_code": "27127",
        "ward_name": "北区",
        "title": "避難所の開設状況を報告してください",
        "body": "台風接近に伴い、区内の指定避難所の開設状況を至急報告してください。",
        "priority": "urgent",
        "deadline": "2025-09-01T18:30:00+09:00",
        "ack_url": "https://dashboard.example.lg.jp/ack/4242.1756719000.sig",
        "language": "ja",
        "sent_at": "2025-09-01T08:00:00+00:00",
    }


def test_a_reminder_has_its_own_message_id_and_names_its_delivery_and_attempt(receiver):
    _fake, server = receiver
    first = make_message(message_id=901)
    reminder = make_message(message_id=957, purpose="reminder", attempt=2)

    for message in (first, reminder):
        channel().send(message, {"url": server.url}, {}, timeout=TIMEOUT)

    bodies = [json.loads(r.body) for r in server.requests]
    # A receiver de-duplicating by message_id keeps both; both belong to delivery 4242.
    assert [(b["event"], b["message_id"], b["delivery_id"], b["attempt"]) for b in bodies] == [
        ("directive", 901, 4242, 1),
        ("reminder", 957, 4242, 2),
    ]
    headers = [
        (r.header("X-Dashboard-Event"), r.header("X-Dashboard-Message"),
         r.header("X-Dashboard-Attempt"))
        for r in server.requests
    ]  # fmt: skip
    assert headers == [("directive", "901", "1"), ("reminder", "957", "2")]


def test_signature_changes_with_the_body(receiver):
    fake, server = receiver
    target = {"url": server.url, "secret_name": "kita"}

    channel().send(make_message(), target, CREDENTIALS, timeout=TIMEOUT)
    channel().send(make_message(title="別の指示"), target, CREDENTIALS, timeout=TIMEOUT)

    first, second = (r.header("X-Dashboard-Signature") for r in server.requests)
    assert first != second
    assert fake.signature_valid == [True, True]


def test_without_secret_no_signature_header_and_null_deadline(receiver):
    _fake, server = receiver

    result = channel().send(make_message(deadline=None), {"url": server.url}, {}, timeout=TIMEOUT)

    assert result.ok, result.detail
    request = server.requests[0]
    assert request.header("X-Dashboard-Signature") is None
    assert json.loads(request.body)["deadline"] is None


def test_secret_named_but_not_configured_sends_nothing(receiver):
    _fake, server = receiver
    target = {"url": server.url, "secret_name": "chuo"}

    result = channel().send(make_message(), target, CREDENTIALS, timeout=TIMEOUT)

    assert not result.ok and not result.retryable
    assert "'chuo' is not configured" in result.detail
    assert server.requests == []


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(500, True), (502, True), (429, True), (408, True), (400, False), (404, False), (302, False)],
)
def test_receiver_errors_are_classified(receiver, status: int, retryable: bool):
    fake, server = receiver
    fake.status = status
    fake.headers = {"Location": "http://127.0.0.1:9/elsewhere"} if status == 302 else {}

    result = channel().send(make_message(), {"url": server.url}, {}, timeout=TIMEOUT)

    assert not result.ok and result.retryable is retryable
    assert f"webhook: HTTP {status}" in result.detail
    assert len(server.requests) == 1  # the redirect was not followed


def test_timeout_is_retryable(receiver):
    fake, server = receiver
    fake.delay = 1.5

    result = channel().send(make_message(), {"url": server.url}, {}, timeout=0.3)

    assert not result.ok and result.retryable
    assert "timed out" in result.detail


def test_connection_refused_is_retryable_and_url_is_not_leaked():
    url = f"http://127.0.0.1:{closed_port()}/hook?token=do-not-log"

    result = channel().send(make_message(), {"url": url}, {}, timeout=TIMEOUT)

    assert not result.ok and result.retryable
    assert "connection failed" in result.detail
    assert "do-not-log" not in result.detail


@pytest.mark.parametrize(
    "target",
    [
        {},
        {"url": "ftp://example.jp/x"},
        {"url": "https://"},
        {"url": 5},
        {"url": "https://a.jp", "secret_name": ""},
    ],
)
def test_bad_targets_are_reported(target: dict):
    assert WebhookChannel().validate_target(target) != []


def test_good_targets_have_no_problems():
    assert WebhookChannel().validate_target({"url": "https://hooks.example.jp/x"}) == []
    assert WebhookChannel().validate_target({"url": "http://10.0.0.5/x", "secret_name": "k"}) == []
