"""The outbox worker against local fake servers: LINE WORKS, an SMTP relay and a webhook receiver.

Every test sends a real directive through ``send_directive`` and lets ``run_outbox_once`` deliver
it, with the clock injected so that back-off and leases can be checked without waiting.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from dashboard.channels import CHANNELS, SendResult
from dashboard.services import delivery, directives
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    ChannelTarget,
    DirectiveDelivery,
    OutboxAttempt,
    OutboxMessage,
    utcnow,
)
from dashboard.worker import PERIODIC_JOBS
from tests.dashboard.channels.factories import make_rsa_key
from tests.dashboard.channels.fakes import (
    LocalHttpServer,
    RecordingSmtpHandler,
    running_lineworks,
    smtp_server,
)
from tests.factories import CHUO, KITA

SECRET = "outbox-test-secret-0123"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _no_stray_workers():
    """Delivery workers left running by app tests in this process would deliver and escalate
    this test's data on the shared PostgreSQL database behind its back."""
    delivery.stop_all_workers()


def make_settings(**overrides) -> Settings:
    values = {
        "secret_key": SECRET,
        "base_url": "http://dashboard.test",
        "outbox_backoff_seconds": 30,
        "outbox_max_attempts": 3,
        "channel_timeout_seconds": 3,
        "worker_interval_seconds": 0.05,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")


@pytest.fixture(scope="module")
def rsa_key():
    return make_rsa_key()


@pytest.fixture
def lineworks(rsa_key):
    with running_lineworks(*rsa_key) as fake:
        yield fake


class Hook:
    """A webhook receiver answering with scripted statuses, then 200."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.always: int | None = None
        self.lock = threading.Lock()

    def respond(self, request):
        with self.lock:
            status = self.always or (self.statuses.pop(0) if self.statuses else 200)
        return status, {}, b"{}"


@pytest.fixture
def hook():
    receiver = Hook()
    with LocalHttpServer(receiver.respond) as server:
        receiver.server = server
        receiver.url = f"{server.url}/hook"
        yield receiver


@pytest.fixture
def smtp():
    handler = RecordingSmtpHandler()
    with smtp_server(handler) as port:
        handler.port = port
        yield handler


def add_target(engine, ward: str, kind: str, config: dict) -> None:
    with transaction(engine) as s:
        s.add(ChannelTarget(jurisdiction_code=ward, kind=kind, config=config))


def send(city, wards=(KITA,), now=None, submission="s1") -> int:
    return directives.send_directive(
        city.engine,
        city.mayor,
        submission_id=submission,
        ward_codes=list(wards),
        template="open_shelters",
        now=now,
    )


def messages(engine) -> dict[str, OutboxMessage]:
    with reading(engine) as s:
        rows = s.execute(
            select(OutboxMessage, ChannelTarget.kind).join(
                ChannelTarget, ChannelTarget.id == OutboxMessage.channel_target_id
            )
        ).all()
        return {kind: message for message, kind in rows}


def attempts(engine) -> list[tuple[int, bool, str]]:
    with reading(engine) as s:
        rows = s.scalars(select(OutboxAttempt).order_by(OutboxAttempt.id))
        return [(a.message_id, a.ok, a.detail) for a in rows]


def test_a_directive_reaches_lineworks_mail_and_webhook(city, lineworks, smtp, hook):
    engine, now = city.engine, utcnow()
    add_target(engine, KITA, "lineworks", {"channel_id": "room-kita"})
    add_target(engine, KITA, "email", {"to": ["kita-bousai@example.lg.jp"]})
    add_target(engine, KITA, "webhook", {"url": hook.url, "secret_name": "kita"})
    directive_id = send(city, now=now)
    credentials = {
        "lineworks": lineworks.credentials,
        "email": {"host": "127.0.0.1", "port": smtp.port, "from_addr": "dashboard@example.lg.jp"},
        "webhook": {"secrets": {"kita": "hook-secret"}},
    }

    report = delivery.run_outbox_once(
        engine, now=now, credentials=credentials, settings=make_settings()
    )
    assert (report.claimed, report.sent, report.dead) == (3, 3, 0)
    assert lineworks.problems == []
    # LINE WORKS: the talk room got a button_template whose 了解 button opens the signed link.
    (payload,) = lineworks.messages
    assert lineworks.message_paths == ["/v1.0/bots/2000001/channels/room-kita/messages"]
    action = payload["content"]["actions"][0]
    assert action["label"] == "了解" and action["uri"].startswith(
        "http://dashboard.test/ack?token="
    )
    assert "避難所を開設してください" in payload["content"]["contentText"]
    # E-mail: one mail to the ward with the same kind of link.
    ((_, recipients, raw),) = smtp.mails
    mail = message_from_bytes(raw, policy=policy.default)
    assert recipients == ["kita-bousai@example.lg.jp"]
    assert "避難所を開設してください" in mail["Subject"]
    assert "http://dashboard.test/ack?token=" in mail.get_content()
    # Webhook: signed JSON naming the delivery.
    (request,) = hook.server.requests
    body = json.loads(request.body)
    assert body["directive_id"] == directive_id and body["ward_name"] == "北区"
    assert request.header("X-Dashboard-Signature").startswith("sha256=")

    assert {m.status for m in messages(engine).values()} == {"sent"}
    assert [ok for _, ok, _ in attempts(engine)] == [True, True, True]
    with reading(engine) as s:
        assert s.scalars(select(DirectiveDelivery.delivered_at)).first() == now
    # The link in the message acknowledges the delivery.
    token = parse_qs(urlsplit(action["uri"]).query)["token"][0]
    outcome = directives.acknowledge_by_link(engine, token, settings=make_settings())
    assert outcome.new and outcome.ward_code == KITA
    # Nothing is due any more.
    again = delivery.run_outbox_once(
        engine, now=now, credentials=credentials, settings=make_settings()
    )
    assert again.claimed == 0


def test_failures_back_off_and_never_block_the_other_channels(city, smtp, hook):
    engine, t0 = city.engine, utcnow()
    settings = make_settings()
    add_target(engine, KITA, "webhook", {"url": hook.url})
    add_target(engine, KITA, "email", {"to": ["kita@example.lg.jp"]})
    credentials = {
        "email": {"host": "127.0.0.1", "port": smtp.port, "from_addr": "d@example.lg.jp"}
    }
    send(city, now=t0)
    hook.statuses = [503, 503]

    report = delivery.run_outbox_once(engine, now=t0, credentials=credentials, settings=settings)
    assert (report.sent, report.retrying) == (1, 1)
    assert len(smtp.mails) == 1  # the mail went out although the webhook failed
    webhook = messages(engine)["webhook"]
    assert webhook.status == "pending" and "HTTP 503" in webhook.last_error
    assert webhook.next_attempt_at == t0 + timedelta(seconds=30)

    # Not due before its back-off has passed.
    early = delivery.run_outbox_once(
        engine, now=t0 + timedelta(seconds=29), credentials=credentials, settings=settings
    )
    assert early.claimed == 0
    t1 = t0 + timedelta(seconds=30)
    assert (
        delivery.run_outbox_once(
            engine, now=t1, credentials=credentials, settings=settings
        ).retrying
        == 1
    )
    # The second failure waits twice as long.
    assert messages(engine)["webhook"].next_attempt_at == t1 + timedelta(seconds=60)
    t2 = t1 + timedelta(seconds=60)
    assert (
        delivery.run_outbox_once(engine, now=t2, credentials=credentials, settings=settings).sent
        == 1
    )
    webhook = messages(engine)["webhook"]
    assert (webhook.status, webhook.attempts, webhook.sent_at) == ("sent", 3, t2)
    results = [ok for message_id, ok, _ in attempts(engine) if message_id == webhook.id]
    assert results == [False, False, True]
    assert len(hook.server.requests) == 3


def test_a_message_is_dead_after_max_attempts_or_a_final_error(city, hook):
    engine, now = city.engine, utcnow()
    settings = make_settings(outbox_max_attempts=2)
    add_target(engine, KITA, "webhook", {"url": hook.url})
    add_target(engine, CHUO, "webhook", {"url": hook.url + "/gone"})
    send(city, wards=(KITA,), now=now)
    hook.always = 500
    for step in range(3):
        delivery.run_outbox_once(
            engine, now=now + timedelta(hours=step), credentials={}, settings=settings
        )
    message = messages(engine)["webhook"]
    assert (message.status, message.attempts) == ("dead", 2)
    assert "HTTP 500" in message.last_error

    # 404 is final: dead at the first attempt.
    hook.always = 404
    send(city, wards=(CHUO,), now=now, submission="s2")
    delivery.run_outbox_once(
        engine, now=now + timedelta(hours=5), credentials={}, settings=settings
    )
    with reading(engine) as s:
        dead = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "dead")).all()
        assert sorted(m.attempts for m in dead) == [1, 2]
    board = directives.directive_board(engine, city.mayor, 1)
    (channel,) = board.rows[0].channels
    assert channel.status == "dead" and "HTTP 500" in channel.last_error


def test_unknown_kind_and_a_crashing_channel_are_logged_not_raised(city, hook):
    engine, now = city.engine, utcnow()
    add_target(engine, KITA, "pigeon", {})
    add_target(engine, KITA, "webhook", {"url": hook.url})
    send(city, now=now)

    class Exploding:
        kind = "webhook"

        def send(self, *args, **kwargs):
            raise RuntimeError("bug in channel")

    channels = {**CHANNELS, "webhook": Exploding()}
    report = delivery.run_outbox_once(
        engine, now=now, channels=channels, credentials={}, settings=make_settings()
    )
    assert (report.claimed, report.dead, report.retrying) == (2, 1, 1)
    found = messages(engine)
    assert "unknown channel kind 'pigeon'" in found["pigeon"].last_error
    assert "RuntimeError: bug in channel" in found["webhook"].last_error


def test_concurrent_workers_send_each_message_exactly_once(city, hook):
    engine, now = city.engine, utcnow()
    wards = [code for code, *_ in directives.list_targets(engine, city.mayor)]
    for ward in wards:
        add_target(engine, ward, "webhook", {"url": hook.url})
    send(city, wards=wards, now=now)
    settings = make_settings(worker_batch_size=5)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                delivery.run_outbox_once(engine, now=now, credentials={}, settings=settings)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    delivered = [json.loads(r.body)["delivery_id"] for r in hook.server.requests]
    assert len(delivered) == len(set(delivered)) == 24
    assert {m.status for m in _all_messages(engine)} == {"sent"}


def _all_messages(engine) -> list[OutboxMessage]:
    with reading(engine) as s:
        return list(s.scalars(select(OutboxMessage)))


def test_a_claim_whose_worker_died_is_taken_over_after_the_lease(city, hook):
    engine, now = city.engine, utcnow()
    settings = make_settings()
    add_target(engine, KITA, "webhook", {"url": hook.url})
    send(city, now=now)
    (job,) = delivery.claim_due(engine, now=now, settings=settings)  # ... and the worker dies
    lease = delivery.CLAIM_LEASE
    assert (
        delivery.claim_due(engine, now=now + lease - timedelta(seconds=1), settings=settings) == []
    )
    report = delivery.run_outbox_once(engine, now=now + lease, credentials={}, settings=settings)
    assert report.sent == 1 and messages(engine)["webhook"].attempts == 2
    # The dead worker's late result does not overwrite the new outcome.
    delivery.record_results(engine, [(job, SendResult.failed("late", retryable=True))],
                          now=now + lease, settings=settings)  # fmt: skip
    assert messages(engine)["webhook"].status == "sent"


def test_a_crashed_workers_claims_are_sent_again_within_seconds(city, hook):
    engine, now = city.engine, utcnow()
    settings = make_settings(channel_timeout_seconds=10)  # the default: old lease was 70 s
    add_target(engine, KITA, "webhook", {"url": hook.url})
    send(city, now=now)
    delivery.claim_due(engine, now=now, settings=settings)  # ... and the worker dies

    later = now + timedelta(seconds=16)
    report = delivery.run_outbox_once(engine, now=later, credentials={}, settings=settings)

    assert report.sent == 1 and len(hook.server.requests) == 1


def test_a_live_worker_keeps_its_claims_by_heartbeat(city, hook):
    engine, now = city.engine, utcnow()
    settings = make_settings()
    add_target(engine, KITA, "webhook", {"url": hook.url})
    send(city, now=now)
    jobs = delivery.claim_due(engine, now=now, settings=settings)
    beat = now + timedelta(seconds=10)

    assert delivery.renew_claims(engine, jobs, now=beat) == 1

    after_first_lease = now + delivery.CLAIM_LEASE + timedelta(seconds=1)
    assert delivery.claim_due(engine, now=after_first_lease, settings=settings) == []
    (taken_over,) = delivery.claim_due(engine, now=beat + delivery.CLAIM_LEASE, settings=settings)
    # The old worker's heartbeat no longer touches a row another worker has taken over.
    assert delivery.renew_claims(engine, jobs, now=beat + timedelta(seconds=20)) == 0
    assert delivery.renew_claims(engine, [taken_over], now=beat + timedelta(seconds=20)) == 1


def test_webhook_reminders_are_not_duplicates_of_the_directive(city, hook):
    engine, t0 = city.engine, utcnow()
    settings = make_settings()
    add_target(engine, KITA, "webhook", {"url": hook.url})
    directive_id = send(city, now=t0)
    hook.statuses = [503]  # the first try fails: its retry keeps the message id
    delivery.run_outbox_once(engine, now=t0, credentials={}, settings=settings)
    delivery.run_outbox_once(
        engine, now=t0 + timedelta(minutes=5), credentials={}, settings=settings
    )
    directives.resend_unacknowledged(
        engine, city.mayor, directive_id, now=t0 + timedelta(minutes=6)
    )
    delivery.run_outbox_once(
        engine, now=t0 + timedelta(minutes=6), credentials={}, settings=settings
    )

    bodies = [json.loads(r.body) for r in hook.server.requests]
    seen = [(b["event"], b["message_id"], b["delivery_id"], b["attempt"]) for b in bodies]
    (first, retry, reminder) = seen
    assert first[0] == retry[0] == "directive" and reminder[0] == "reminder"
    assert first[1] == retry[1] != reminder[1]  # a receiver dropping repeats by id keeps both
    assert first[2] == retry[2] == reminder[2]  # ... and sees they belong to one delivery
    assert (first[3], retry[3], reminder[3]) == (1, 2, 1)


def test_delivery_imports_no_feature_package():
    code = (
        "import sys, dashboard.services.delivery; "
        "print(sorted(m for m in sys.modules if m.startswith('dashboard.services.directives')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_escalation_reminders_go_out_through_the_worker_cycle(city, hook):
    engine, t0 = city.engine, utcnow()
    settings = make_settings(escalation_minutes={"urgent": 5, "normal": 30, "high": 15})
    add_target(engine, KITA, "webhook", {"url": hook.url})
    send(city, now=t0)  # the template is urgent
    delivery.run_worker_cycle(engine, now=t0, settings=settings, periodic=PERIODIC_JOBS)
    delivery.run_worker_cycle(
        engine, now=t0 + timedelta(minutes=5), settings=settings, periodic=PERIODIC_JOBS
    )
    titles = [json.loads(r.body)["title"] for r in hook.server.requests]
    assert titles == ["避難所を開設してください", "【督促】避難所を開設してください"]


def test_the_worker_thread_delivers_without_anyone_waiting(city, hook):
    engine = city.engine
    add_target(engine, KITA, "webhook", {"url": hook.url})
    worker = delivery.Worker.start(engine, make_settings())
    try:
        send(city)
        deadline = time.monotonic() + 10
        while not hook.server.requests and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop(timeout=10)
    assert len(hook.server.requests) == 1 and not worker.thread.is_alive()


def test_run_worker_command_delivers_until_terminated(city, hook, database_url):
    add_target(city.engine, KITA, "webhook", {"url": hook.url})
    send(city)
    env = {
        **os.environ,
        "DASHBOARD_DATABASE_URL": database_url,
        "DASHBOARD_WORKER_INTERVAL_SECONDS": "0.1",
        "PYTHONPATH": str(REPO),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "run-worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not hook.server.requests and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert len(hook.server.requests) == 1, err
    assert process.returncode == 0 and out.strip() == "delivery worker stopped"
    with reading(city.engine) as s:
        assert s.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 1


def test_channel_targets_are_validated_scoped_and_switchable(city, hook):
    from dashboard.errors import PermissionDenied, ValidationFailed

    engine = city.engine
    target = delivery.add_channel_target(
        engine, city.admin, jurisdiction_code=KITA, kind="webhook", config={"url": hook.url}
    )
    with pytest.raises(ValidationFailed) as failed:
        delivery.add_channel_target(
            engine, city.admin, jurisdiction_code=KITA, kind="email", config={"to": ["not mail"]}
        )
    assert failed.value.fields == {
        "config": ("channel.problem.mail_address", {"addresses": "not mail"})
    }
    with pytest.raises(ValidationFailed):
        delivery.add_channel_target(
            engine, city.admin, jurisdiction_code=KITA, kind="fax", config={}
        )
    with pytest.raises(PermissionDenied):
        delivery.add_channel_target(
            engine, city.kita_head, jurisdiction_code=KITA, kind="webhook", config={"url": hook.url}
        )
    assert [
        (t.jurisdiction_code, t.kind) for t in delivery.list_channel_targets(engine, city.mayor)
    ] == [(KITA, "webhook")]
    delivery.set_channel_target_enabled(engine, city.admin, target, False)
    send(city)
    assert _all_messages(engine) == []  # a switched-off target receives nothing
