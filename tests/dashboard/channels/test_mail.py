from __future__ import annotations

import email
import ssl
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from dashboard.channels.mail import MailChannel
from tests.dashboard.channels.factories import make_message, make_tls_files
from tests.dashboard.channels.fakes import (
    LOCALHOST,
    RecordingSmtpHandler,
    closed_port,
    silent_tcp_server,
    smtp_server,
)

TIMEOUT = 2.0
TARGET = {"to": ["kita-kikikanri@example.lg.jp", "kita-soumu@example.lg.jp"]}


def credentials(port: int, **extra: object) -> dict:
    return {
        "host": LOCALHOST,
        "port": port,
        "from_addr": "saigai-dashboard@example.lg.jp",
        "from_name": "大阪市 災害ダッシュボード",
        **extra,
    }


def received(handler: RecordingSmtpHandler) -> email.message.EmailMessage:
    assert len(handler.mails) == 1
    return email.message_from_bytes(handler.mails[0][2], policy=default_policy)


def test_japanese_mail_arrives_with_subject_body_and_ack_link():
    handler = RecordingSmtpHandler()
    message = make_message()
    with smtp_server(handler) as port:
        result = MailChannel().send(message, TARGET, credentials(port), timeout=TIMEOUT)

    assert result.ok, result.detail
    mail_from, rcpt_tos, raw = handler.mails[0]
    assert mail_from == "saigai-dashboard@example.lg.jp"
    assert rcpt_tos == TARGET["to"]
    # Headers travel MIME-encoded: no raw 8-bit bytes in the header block.
    assert raw.split(b"\r\n\r\n", 1)[0].isascii()
    mail = received(handler)
    assert mail["Subject"] == "【至急】[指示] 避難所の開設状況を報告してください"
    assert mail["From"].addresses[0].display_name == "大阪市 災害ダッシュボード"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["X-Dashboard-Delivery-Id"] == "4242"
    assert mail["Importance"] == "high"
    body = mail.get_content().replace("\r\n", "\n")
    assert body.startswith("北区 ご担当者様\n")
    assert message.body in body
    assert "期限: 2025年9月1日 18:30" in body
    assert message.ack_url in body.splitlines()


def test_english_mail_without_deadline():
    handler = RecordingSmtpHandler()
    message = make_message(language="en", priority="normal", deadline=None, title="Report")
    with smtp_server(handler) as port:
        result = MailChannel().send(message, {"to": "a@example.jp"}, credentials(port), timeout=2)

    assert result.ok, result.detail
    mail = received(handler)
    assert mail["Subject"] == "[Directive] Report"
    assert mail["Importance"] is None
    body = mail.get_content().replace("\r\n", "\n")
    assert body.startswith("To: 北区\n")
    assert "Deadline" not in body
    assert "acknowledge it with the link below" in body


def test_title_with_line_break_cannot_inject_headers():
    handler = RecordingSmtpHandler()
    message = make_message(title="報告\r\nBcc: attacker@example.com")
    with smtp_server(handler) as port:
        result = MailChannel().send(message, TARGET, credentials(port), timeout=TIMEOUT)

    assert result.ok, result.detail
    mail = received(handler)
    assert mail["Bcc"] is None
    assert handler.mails[0][1] == TARGET["to"]


def test_starttls_and_login(tmp_path: Path):
    cert, key = make_tls_files(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        # handled=False: let aiosmtpd send the 535 reply itself.
        return AuthResult(success=auth_data.password == b"correct horse", handled=False)

    handler = RecordingSmtpHandler()
    options = {
        "tls_context": server_tls,
        "require_starttls": True,  # refuses MAIL FROM on a plain connection
        "auth_require_tls": True,
        "authenticator": authenticator,
    }
    with smtp_server(handler, **options) as port:
        creds = credentials(
            port, starttls="true", ca_file=str(cert), username="dash", password="correct horse"
        )
        result = MailChannel().send(make_message(), TARGET, creds, timeout=TIMEOUT)
        wrong = MailChannel().send(
            make_message(), TARGET, {**creds, "password": "wrong"}, timeout=TIMEOUT
        )
        untrusted = MailChannel().send(
            make_message(), TARGET, {**creds, "ca_file": ""}, timeout=TIMEOUT
        )

    assert result.ok, result.detail
    assert logins[0] == (b"dash", b"correct horse")
    assert len(handler.mails) == 1
    assert not wrong.ok and not wrong.retryable and "535" in wrong.detail
    assert not untrusted.ok and not untrusted.retryable and "certificate" in untrusted.detail


def test_plain_relay_without_starttls_support_is_a_configuration_error():
    handler = RecordingSmtpHandler()
    with smtp_server(handler) as port:
        result = MailChannel().send(
            make_message(), TARGET, credentials(port, starttls=True), timeout=TIMEOUT
        )

    assert not result.ok and not result.retryable
    assert "STARTTLS" in result.detail
    assert handler.mails == []


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [("550 5.1.1 No such user", False), ("451 4.3.0 Try again later", True)],
)
def test_all_recipients_refused(reply: str, retryable: bool):
    handler = RecordingSmtpHandler()
    handler.refuse = dict.fromkeys(TARGET["to"], reply)
    with smtp_server(handler) as port:
        result = MailChannel().send(make_message(), TARGET, credentials(port), timeout=TIMEOUT)

    assert not result.ok and result.retryable is retryable
    assert reply[:3] in result.detail and "kita-soumu@example.lg.jp" in result.detail


def test_partly_refused_recipients_still_count_as_delivered():
    handler = RecordingSmtpHandler()
    handler.refuse = {"kita-soumu@example.lg.jp": "550 5.1.1 No such user"}
    with smtp_server(handler) as port:
        result = MailChannel().send(make_message(), TARGET, credentials(port), timeout=TIMEOUT)

    assert result.ok
    assert "refused: kita-soumu@example.lg.jp (550)" in result.detail
    assert handler.mails[0][1] == ["kita-kikikanri@example.lg.jp"]


def test_connection_refused_is_retryable():
    result = MailChannel().send(make_message(), TARGET, credentials(closed_port()), timeout=TIMEOUT)

    assert not result.ok and result.retryable
    assert "ConnectionRefusedError" in result.detail


def test_silent_relay_times_out_and_is_retryable():
    with silent_tcp_server() as port:
        result = MailChannel().send(make_message(), TARGET, credentials(port), timeout=0.3)

    assert not result.ok and result.retryable
    assert "timed out" in result.detail.lower()


def test_missing_settings_are_named():
    result = MailChannel().send(make_message(), TARGET, {"port": "x"}, timeout=TIMEOUT)

    assert not result.ok and not result.retryable
    assert "host" in result.detail and "from_addr" in result.detail
    assert "port must be a number" in result.detail


@pytest.mark.parametrize(
    "target",
    [
        {},
        {"to": []},
        {"to": "not-an-address"},
        {"to": ["ok@example.jp", "two@example.jp, three@example.jp"]},
        {"to": ["evil@example.jp\r\nBcc: x@example.com"]},
        {"to": ["名前@example.jp"]},
    ],
)
def test_bad_targets_are_reported(target: dict):
    assert MailChannel().validate_target(target) != []


def test_good_targets_have_no_problems():
    assert MailChannel().validate_target({"to": "kikikanri@city.osaka.lg.jp"}) == []
    assert MailChannel().validate_target(TARGET) == []
