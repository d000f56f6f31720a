"""E-mail channel: each directive as a plain-text UTF-8 mail over SMTP, with the ack link.

(Named ``mail`` rather than ``email`` so it never shadows the standard library package.)

Target (per ward): ``{"to": ["kikikanri@example.lg.jp", ...]}`` (a single string is accepted).
Credentials (from settings): ``host``, ``from_addr``; optional ``port`` (default 25),
``starttls`` (upgrade the connection before anything else is sent), ``username`` and
``password`` (SMTP AUTH; use with ``starttls``), ``ca_file`` (CA bundle for a relay with an
internal certificate), ``from_name`` (display name, may be Japanese).

If the server accepts some recipients and refuses others, the result is ``ok`` (the ward got
the directive) and ``detail`` lists the refused addresses, since resending would duplicate the
mail for everyone who already has it.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid
from typing import Any

from dashboard.channels.base import (
    DeliveryFailure,
    Message,
    Problem,
    SendResult,
    as_bool,
    missing_keys,
)
from dashboard.channels.texts import (
    DISPLAY_TZ,
    format_deadline,
    format_subject,
    format_text,
)

# Plain SMTP relay port, the usual set-up on a city LAN.
DEFAULT_PORT = 25
# Credentials without which no mail can be sent.
REQUIRED_CREDENTIALS = ("host", "from_addr")
# X-Priority values for mail clients that show a priority flag (1 = highest).
X_PRIORITY = {"high": "2 (High)", "urgent": "1 (Highest)"}


class MailChannel:
    """Sends directives by SMTP; see the module docstring for configuration."""

    kind = "email"

    def validate_target(self, target: dict[str, Any]) -> list[Problem]:
        recipients = _recipients(target)
        if not recipients:
            return [Problem("channel.problem.mail_no_recipient")]
        # repr() without its quotes: a line break someone pasted shows as \r\n, not as a break.
        wrong = [repr(address)[1:-1] for address in recipients if not _is_address(address)]
        if wrong:
            return [Problem("channel.problem.mail_address", {"addresses": ", ".join(wrong)})]
        return []

    def send(
        self,
        message: Message,
        target: dict[str, Any],
        credentials: dict[str, Any],
        *,
        timeout: float,
    ) -> SendResult:
        try:
            port = _check_config([str(p) for p in self.validate_target(target)], credentials)
            recipients = _recipients(target)
            mail = build_mail(message, recipients, credentials)
            refused = _deliver(mail, recipients, credentials, port=port, timeout=timeout)
        except DeliveryFailure as failure:
            return failure.result
        except smtplib.SMTPException as exc:
            return _classify_smtp_error(exc)
        except ssl.SSLCertVerificationError as exc:
            detail = f"SMTP: server certificate not trusted ({exc.verify_message})"
            return SendResult.failed(detail, retryable=False)
        except OSError as exc:
            # Connection refused, timeouts, resets: the relay may be back in a minute.
            return SendResult.failed(f"SMTP: {type(exc).__name__}: {exc}", retryable=True)
        if refused:
            listed = ", ".join(
                f"{addr} ({code})" for addr, (code, _text) in sorted(refused.items())
            )
            return SendResult.delivered(f"SMTP: accepted for some recipients; refused: {listed}")
        return SendResult.delivered(f"SMTP: accepted for {len(recipients)} recipient(s)")


def build_mail(
    message: Message, recipients: list[str], credentials: dict[str, Any]
) -> EmailMessage:
    """The mail for ``message``: UTF-8 subject and plain-text body, ack link included."""
    language = message.language
    mail = EmailMessage(policy=SMTP_POLICY)
    from_addr = credentials["from_addr"]
    from_name = credentials.get("from_name") or ""
    mail["From"] = Address(display_name=from_name, addr_spec=from_addr) if from_name else from_addr
    mail["To"] = ", ".join(recipients)
    mail["Subject"] = format_subject(message.title, message.priority, language)
    mail["Date"] = format_datetime(datetime.now(DISPLAY_TZ))
    mail["Message-ID"] = make_msgid(
        idstring=f"delivery-{message.delivery_id}", domain=from_addr.rpartition("@")[2]
    )
    # RFC 3834: stops out-of-office replies from flooding the sending mailbox during a disaster.
    mail["Auto-Submitted"] = "auto-generated"
    # Let a bounce or a reply be traced back to the delivery without parsing the body.
    mail["X-Dashboard-Directive-Id"] = str(message.directive_id)
    mail["X-Dashboard-Delivery-Id"] = str(message.delivery_id)
    if message.priority in X_PRIORITY:
        mail["Importance"] = "high"
        mail["X-Priority"] = X_PRIORITY[message.priority]
    # base64 keeps Japanese text intact through relays that do not speak 8BITMIME.
    mail.set_content(compose_body(message), charset="utf-8", cte="base64")
    return mail


def compose_body(message: Message) -> str:
    """The plain-text body: addressee, directive, deadline, ack link, footer."""
    language = message.language
    lines = [
        format_text("channel.addressee", language, ward_name=message.ward_name),
        "",
        format_subject(message.title, message.priority, language),
        "",
        message.body.strip(),
    ]
    if message.deadline is not None:
        lines += ["", format_deadline(message.deadline, language)]
    if message.ack_url:
        prompt = message.action_prompt or format_text("channel.ack_prompt", language)
        lines += ["", prompt, message.ack_url]
    lines += ["", "-- ", format_text("channel.mail_footer", language)]
    return "\n".join(lines) + "\n"


def _check_config(target_problems: list[str], credentials: dict[str, Any]) -> int:
    """The SMTP port, after making sure target and credentials are usable."""
    problems = list(target_problems)
    missing = missing_keys(credentials, REQUIRED_CREDENTIALS)
    if missing:
        problems.append(f"missing credentials: {', '.join(missing)}")
    elif not _is_address(credentials["from_addr"]):
        problems.append("from_addr is not a plain e-mail address")
    port = DEFAULT_PORT
    try:
        port = int(credentials.get("port") or DEFAULT_PORT)
    except (TypeError, ValueError):
        problems.append("port must be a number")
    if problems:
        detail = "e-mail configuration: " + "; ".join(problems)
        raise DeliveryFailure(SendResult.failed(detail, retryable=False))
    return port


def _deliver(
    mail: EmailMessage,
    recipients: list[str],
    credentials: dict[str, Any],
    *,
    port: int,
    timeout: float,
) -> dict[str, tuple[int, bytes]]:
    """Hand the mail to the relay; returns the recipients it refused (if it accepted any)."""
    starttls = as_bool(credentials.get("starttls"))
    context = _tls_context(credentials.get("ca_file")) if starttls else None
    with smtplib.SMTP(credentials["host"], port, timeout=timeout) as smtp:
        if context is not None:
            smtp.starttls(context=context)
        if credentials.get("username"):
            smtp.login(credentials["username"], credentials.get("password") or "")
        return smtp.send_message(mail, from_addr=credentials["from_addr"], to_addrs=recipients)


def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except OSError as exc:  # missing or unreadable CA file: a set-up error, not a network one
        detail = f"e-mail configuration: cannot load ca_file ({type(exc).__name__})"
        raise DeliveryFailure(SendResult.failed(detail, retryable=False)) from exc


def _classify_smtp_error(exc: smtplib.SMTPException) -> SendResult:
    """SMTP 4xx replies and lost connections are temporary; 5xx replies are final."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        listed = ", ".join(
            f"{addr} ({code})" for addr, (code, _t) in sorted(exc.recipients.items())
        )
        retryable = any(400 <= code < 500 for code in codes)
        return SendResult.failed(f"SMTP: all recipients refused: {listed}", retryable=retryable)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SendResult.failed(f"SMTP: not supported by server: {exc}", retryable=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        detail = f"SMTP: {exc.smtp_code} {' '.join(text.split())}"
        return SendResult.failed(detail, retryable=not 500 <= exc.smtp_code < 600)
    return SendResult.failed(f"SMTP: {type(exc).__name__}: {exc}", retryable=True)


def _recipients(target: dict[str, Any]) -> list[str]:
    to = target.get("to")
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list | tuple):
        return []
    return [address.strip() if isinstance(address, str) else address for address in to if address]


def _is_address(address: Any) -> bool:
    """A bare ASCII ``local@domain`` with nothing that could inject a header or a second address."""
    if not isinstance(address, str) or not address.isascii():
        return False
    local, at, domain = address.partition("@")
    forbidden = set(" \t\r\n<>,;\"'()[]\\")
    return bool(local and at and domain and "." in domain and "@" not in domain) and not (
        forbidden & set(address)
    )
