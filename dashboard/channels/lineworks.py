"""LINE WORKS channel: a bot posts each directive to the ward's talk room (Bot API 2.0).

Authentication is the service-account flow (``lineworks_auth``: a signed JWT exchanged for an
access token, cached per app). The message content is built in ``lineworks_content``; what comes
back to the callback URL is checked in ``lineworks_callback``.

The message is a ``button_template`` with the directive text and one 了解 (Acknowledge) button.
What the button does is chosen per target with ``ack_action``:

* ``"uri"`` (default): the button opens the signed ``ack_url`` on the dashboard, the same link the
  e-mail carries. It needs only outbound internet from the city network, which is all a city LAN
  usually allows, and every acknowledgement goes through one code path.
* ``"message"``: the button posts 了解 into the talk room with postback ``ack:<delivery_id>``;
  LINE WORKS then calls the bot's callback URL, where :func:`verify_callback_signature` checks
  it and the bot (``services.chatbot``) reads and acts on it. Use it only where a public HTTPS
  callback endpoint exists; everyone in the room sees who acknowledged.

Target (per ward): ``{"channel_id": "..."}`` for a talk room, or ``{"user_id": "..."}`` for one
person; optional ``"ack_action"``. Credentials (from settings): ``client_id``, ``client_secret``,
``service_account``, ``private_key`` (PEM; ``\\n`` escapes from an environment variable are
accepted), ``bot_id``; optional ``token_url`` and ``api_base`` to point at another server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests

from dashboard.channels import transport
from dashboard.channels.base import (
    DeliveryFailure,
    Message,
    Problem,
    SendResult,
    classify_status,
    missing_keys,
)

# Re-exported: the callback's check and the content builders were once in this module.
from dashboard.channels.lineworks_auth import DEFAULT_TOKEN_URL, TokenSource
from dashboard.channels.lineworks_callback import (
    ACK_POSTBACK_PREFIX,
    ANSWER_POSTBACK_PREFIX,
    ANSWER_WORDS,
    CallbackEvent,
    verify_callback_signature,
)
from dashboard.channels.lineworks_content import (
    ACK_ACTIONS,
    CONTENT_TEXT_LIMIT,
    QUICK_REPLY_LIMIT,
    ack_action,
    build_payload,
    compose_text,
    quick_reply,
)

__all__ = [
    "ACK_ACTIONS",
    "ACK_POSTBACK_PREFIX",
    "ANSWER_POSTBACK_PREFIX",
    "ANSWER_WORDS",
    "CONTENT_TEXT_LIMIT",
    "DEFAULT_API_BASE",
    "DEFAULT_TOKEN_URL",
    "QUICK_REPLY_LIMIT",
    "REQUIRED_CREDENTIALS",
    "CallbackEvent",
    "LineWorksChannel",
    "api_base",
    "build_payload",
    "compose_text",
    "quick_reply",
    "verify_callback_signature",
]

# LINE WORKS API 2.0 base URL.
DEFAULT_API_BASE = "https://www.worksapis.com/v1.0"
# Credentials without which no message can be sent.
REQUIRED_CREDENTIALS = ("client_id", "client_secret", "service_account", "private_key", "bot_id")


class LineWorksChannel:
    """Sends directives as LINE WORKS bot messages; see the module docstring for configuration."""

    kind = "lineworks"

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._tokens = TokenSource(clock=clock, wall_clock=wall_clock)

    def validate_target(self, target: dict[str, Any]) -> list[Problem]:
        problems = []
        ids = [key for key in ("channel_id", "user_id") if target.get(key)]
        if len(ids) != 1:
            problems.append(Problem("channel.problem.lineworks_address"))
        for key in ids:
            if not isinstance(target[key], str):
                problems.append(Problem("channel.problem.not_text", {"field": key}))
        if ack_action(target) not in ACK_ACTIONS:
            problems.append(
                Problem("channel.problem.lineworks_ack_action", {"choices": ", ".join(ACK_ACTIONS)})
            )
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
            self._check_config(message, target, credentials)
            url = _message_url(credentials, target)
            payload = build_payload(message, target)
            return self._post_with_token(url, payload, credentials, timeout=timeout)
        except DeliveryFailure as failure:
            return failure.result

    def send_content(
        self,
        user_id: str,
        content: dict[str, Any],
        credentials: dict[str, Any],
        *,
        timeout: float,
    ) -> SendResult:
        """Send one bot message ``{"content": content}`` to one user (the bot's replies)."""
        missing = missing_keys(credentials, REQUIRED_CREDENTIALS)
        if missing:
            detail = f"LINE WORKS configuration: missing credentials: {', '.join(missing)}"
            return SendResult.failed(detail, retryable=False)
        try:
            url = _message_url(credentials, {"user_id": user_id})
            payload = {"content": content}
            return self._post_with_token(url, payload, credentials, timeout=timeout)
        except DeliveryFailure as failure:
            return failure.result

    def access_token(self, credentials: dict[str, Any], *, timeout: float) -> str:
        """A valid access token (cached); raises :class:`DeliveryFailure`."""
        return self._tokens.get(credentials, timeout=timeout)

    def forget_token(self, credentials: dict[str, Any], token: str) -> None:
        """Drop ``token`` after the API refused it (the next call exchanges a new one)."""
        self._tokens.discard(credentials, token)

    def _post_with_token(
        self,
        url: str,
        payload: dict[str, Any],
        credentials: dict[str, Any],
        *,
        timeout: float,
    ) -> SendResult:
        token = self._tokens.get(credentials, timeout=timeout)
        response = _post_message(url, token, payload, timeout=timeout)
        if response.status_code == 401:
            # Tokens can be revoked before their stated expiry: refresh once, then give up.
            self._tokens.discard(credentials, token)
            token = self._tokens.get(credentials, timeout=timeout)
            response = _post_message(url, token, payload, timeout=timeout)
            what = "LINE WORKS message (after token refresh)"
        else:
            what = "LINE WORKS message"
        return classify_status(
            response.status_code,
            what=what,
            body=response.text,
            retry_after=response.headers.get("Retry-After"),
        )

    def _check_config(
        self, message: Message, target: dict[str, Any], credentials: dict[str, Any]
    ) -> None:
        problems = [str(problem) for problem in self.validate_target(target)]
        missing = missing_keys(credentials, REQUIRED_CREDENTIALS)
        if missing:
            problems.append(f"missing credentials: {', '.join(missing)}")
        if ack_action(target) == "uri" and not message.ack_url:
            problems.append("message has no ack_url for the 了解 button")
        if problems:
            detail = "LINE WORKS configuration: " + "; ".join(problems)
            raise DeliveryFailure(SendResult.failed(detail, retryable=False))


def api_base(credentials: dict[str, Any]) -> str:
    """The Bot API's base URL (``api_base`` credential, else LINE WORKS's own)."""
    return (credentials.get("api_base") or DEFAULT_API_BASE).rstrip("/")


def _post_message(
    url: str, token: str, payload: dict[str, Any], *, timeout: float
) -> requests.Response:
    return transport.post(
        url,
        what="LINE WORKS message",
        timeout=timeout,
        headers={"Authorization": f"Bearer {token}"},
        json=payload,
    )


def _message_url(credentials: dict[str, Any], target: dict[str, Any]) -> str:
    base = api_base(credentials)
    bot = quote(str(credentials["bot_id"]), safe="")
    if target.get("channel_id"):
        return f"{base}/bots/{bot}/channels/{quote(target['channel_id'], safe='')}/messages"
    return f"{base}/bots/{bot}/users/{quote(target['user_id'], safe='')}/messages"
