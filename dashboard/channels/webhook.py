"""Webhook channel: each directive POSTed as JSON to a URL of the ward's choosing.

Target (per ward): ``{"url": "https://...", "secret_name": "kita"}``; ``secret_name`` is optional
and names an entry of ``credentials["secrets"]`` (from settings), so per-target secrets stay out of
the database and the repository. With a secret, the request carries
``X-Dashboard-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>``; receivers should compare
it in constant time against the raw body before parsing.

Body (UTF-8 JSON object; field names are stable, new fields may be added in the same version):

- ``event``: ``"directive"`` for the directive itself, ``"reminder"`` for a reminder to
  acknowledge it (sent when the ward has not acknowledged in time, or re-sent by hand)
- ``version``: payload version, currently ``2`` (``1`` had no ``message_id`` and sent reminders as
  ``"directive"`` events with the same ``delivery_id``)
- ``message_id``: integer, unique per message: the directive and each reminder have their own,
  and it stays the same when a message is retried; receivers should drop duplicates by it, since
  a message that timed out may be retried although it arrived
- ``attempt``: integer, which try of this message this is (1 the first time)
- ``directive_id``: integer, the same for every ward receiving the directive
- ``delivery_id``: integer, one per ward and directive: the directive and its reminders to that
  ward share it (what a reminder belongs to)
- ``ward_code``, ``ward_name``: the addressed ward (e.g. ``"27127"``, ``"北区"``)
- ``title``, ``body``: the directive
- ``priority``: ``"normal"``, ``"high"`` or ``"urgent"``
- ``deadline``: ISO 8601 with offset, or ``null``
- ``ack_url``: signed link that acknowledges this delivery on the dashboard
- ``language``: ``"ja"`` or ``"en"``
- ``sent_at``: ISO 8601 with offset (UTC), when this attempt was made

Headers: ``Content-Type: application/json; charset=utf-8``, ``X-Dashboard-Event: <event>``,
``X-Dashboard-Delivery: <delivery_id>``, ``X-Dashboard-Message: <message_id>``,
``X-Dashboard-Attempt: <attempt>``. Redirects are not followed; any 2xx counts as delivered.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from dashboard.channels import transport
from dashboard.channels.base import (
    DeliveryFailure,
    Message,
    Problem,
    SendResult,
    classify_status,
)

# Version of the payload layout above; bumped only for incompatible changes.
PAYLOAD_VERSION = 2
# Header carrying the body signature.
SIGNATURE_HEADER = "X-Dashboard-Signature"
# URL schemes a target may use (plain http is allowed for receivers inside the city LAN).
ALLOWED_SCHEMES = ("https", "http")


class WebhookChannel:
    """POSTs directives as JSON; see the module docstring for the payload and signature."""

    kind = "webhook"

    def __init__(self, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._now = now

    def validate_target(self, target: dict[str, Any]) -> list[Problem]:
        problems = []
        url = target.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ALLOWED_SCHEMES or not parts.hostname:
            problems.append(Problem("channel.problem.webhook_url"))
        secret_name = target.get("secret_name")
        if secret_name is not None and (not isinstance(secret_name, str) or not secret_name):
            problems.append(Problem("channel.problem.webhook_secret_name"))
        return problems

    def send(
        self,
        message: Message,
        target: dict[str, Any],
        credentials: dict[str, Any],
        *,
        timeout: float,
    ) -> SendResult:
        try:
            secret = self._check_config(target, credentials)
            body = encode_payload(build_payload(message, sent_at=self._now()))
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "X-Dashboard-Event": message.purpose,
                "X-Dashboard-Delivery": str(message.delivery_id),
                "X-Dashboard-Message": str(message.message_id),
                "X-Dashboard-Attempt": str(message.attempt),
            }
            if secret is not None:
                headers[SIGNATURE_HEADER] = sign_body(body, secret)
            response = transport.post(
                target["url"], what="webhook", timeout=timeout, data=body, headers=headers
            )
        except DeliveryFailure as failure:
            return failure.result
        return classify_status(
            response.status_code,
            what="webhook",
            body=response.text,
            retry_after=response.headers.get("Retry-After"),
        )

    def _check_config(self, target: dict[str, Any], credentials: dict[str, Any]) -> str | None:
        """The signing secret (None when the target has none), after checking the target."""
        problems = [str(problem) for problem in self.validate_target(target)]
        secret = None
        secret_name = target.get("secret_name")
        if not problems and secret_name:
            secret = (credentials.get("secrets") or {}).get(secret_name)
            if not secret:
                # Never fall back to an unsigned request: the receiver would rightly reject it.
                problems.append(f"secret {secret_name!r} is not configured")
        if problems:
            detail = "webhook configuration: " + "; ".join(problems)
            raise DeliveryFailure(SendResult.failed(detail, retryable=False))
        return secret


def build_payload(message: Message, *, sent_at: datetime) -> dict[str, Any]:
    """The JSON object documented in the module docstring."""
    return {
        "event": message.purpose,
        "version": PAYLOAD_VERSION,
        "message_id": message.message_id,
        "attempt": message.attempt,
        "directive_id": message.directive_id,
        "delivery_id": message.delivery_id,
        "ward_code": message.ward_code,
        "ward_name": message.ward_name,
        "title": message.title,
        "body": message.body,
        "priority": message.priority,
        "deadline": message.deadline.isoformat() if message.deadline else None,
        "ack_url": message.ack_url,
        "language": message.language,
        "sent_at": sent_at.isoformat(),
    }


def encode_payload(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON; these exact bytes are what gets signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_body(body: bytes, secret: str) -> str:
    """Value of the signature header: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
