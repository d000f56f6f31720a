"""LINE WORKS channel: a bot posts each directive to the ward's talk room (Bot API 2.0).

Authentication is the service-account flow: a JWT (RS256; iss = client id, sub = service
account, one-hour lifetime) signed with the app's private key is exchanged at the token endpoint
for an access token, which is cached per app until shortly before it expires.

The message is a ``button_template`` with the directive text and one 了解 (Acknowledge) button.
What the button does is chosen per target with ``ack_action``:

* ``"uri"`` (default): the button opens the signed ``ack_url`` on the dashboard, the same link the
  e-mail carries. It needs only outbound internet from the city network, which is all a city LAN
  usually allows, and every acknowledgement goes through one code path.
* ``"message"``: the button posts 了解 into the talk room with postback ``ack:<delivery_id>``;
  LINE WORKS then calls the bot's callback URL, where :func:`verify_callback_signature` and
  :func:`parse_callback` turn it into a :class:`CallbackEvent` naming the LINE WORKS user. Use it
  only where a public HTTPS callback endpoint exists; everyone in the room sees who acknowledged.

Target (per ward): ``{"channel_id": "..."}`` for a talk room, or ``{"user_id": "..."}`` for one
person; optional ``"ack_action"``. Credentials (from settings): ``client_id``, ``client_secret``,
``service_account``, ``private_key`` (PEM; ``\\n`` escapes from an environment variable are
accepted), ``bot_id``; optional ``token_url`` and ``api_base`` to point at another server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import jwt
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
from dashboard.channels.texts import format_deadline, format_subject, format_text

# LINE WORKS OAuth token endpoint (service-account JWT grant).
DEFAULT_TOKEN_URL = "https://auth.worksmobile.com/oauth2/v2.0/token"
# LINE WORKS API 2.0 base URL.
DEFAULT_API_BASE = "https://www.worksapis.com/v1.0"
# Grant type of the JWT exchange (RFC 7523).
JWT_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Scope needed to send bot messages.
TOKEN_SCOPE = "bot"
# Lifetime of the signed JWT assertion, in seconds (LINE WORKS accepts at most one hour).
JWT_LIFETIME_SECONDS = 3600
# Assumed token lifetime when the token response does not state one, in seconds.
DEFAULT_TOKEN_LIFETIME_SECONDS = 3600
# A cached token is replaced this many seconds before its stated expiry, so none expires mid-call.
TOKEN_REFRESH_MARGIN_SECONDS = 300
# Maximum length of a button_template contentText, in characters.
CONTENT_TEXT_LIMIT = 1000
# Postback of the 了解 button in "message" mode; the delivery id follows.
ACK_POSTBACK_PREFIX = "ack:"
# Postback of a directive's answer buttons in "message" mode: ``ans:<delivery id>:<word>``,
# the word one of ANSWER_WORDS (the inbox's answer statuses, and "reply": a typed answer).
ANSWER_POSTBACK_PREFIX = "ans:"
ANSWER_WORDS = ("done", "in_progress", "cannot", "reply")
# What the 了解 button can do; the first is the default.
ACK_ACTIONS = ("uri", "message")
# Credentials without which no message can be sent.
REQUIRED_CREDENTIALS = ("client_id", "client_secret", "service_account", "private_key", "bot_id")
# Most quick-reply buttons one message may carry.
QUICK_REPLY_LIMIT = 13
# Marks text cut to fit the API limit.
ELLIPSIS = "…"


@dataclass(frozen=True)
class CallbackEvent:
    """An acknowledgement received through the bot callback ("message" ack mode)."""

    delivery_id: int
    # LINE WORKS user who pressed 了解.
    user_id: str
    # Talk room it was pressed in; None in a one-to-one room (LINE WORKS omits it there).
    channel_id: str | None
    issued_at: datetime | None


@dataclass(frozen=True)
class _TokenKey:
    token_url: str
    client_id: str
    service_account: str


class _TokenCache:
    """Access tokens per app, shared by all threads; one exchange at a time."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[_TokenKey, tuple[str, float]] = {}

    def get(self, key: _TokenKey, fetch: Callable[[], tuple[str, float]]) -> str:
        """The cached token for ``key``, or a new one from ``fetch() -> (token, lifetime_s)``."""
        # Holding the lock during the exchange makes concurrent senders wait for one exchange
        # instead of each starting their own.
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and self._clock() < cached[1]:
                return cached[0]
            token, lifetime = fetch()
            usable_for = max(lifetime - TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 2)
            self._tokens[key] = (token, self._clock() + usable_for)
            return token

    def discard(self, key: _TokenKey, token: str) -> None:
        """Forget ``token`` (rejected by the API) unless another thread already replaced it."""
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and cached[0] == token:
                del self._tokens[key]


class LineWorksChannel:
    """Sends directives as LINE WORKS bot messages; see the module docstring for configuration."""

    kind = "lineworks"

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._wall_clock = wall_clock
        self._tokens = _TokenCache(clock)

    def validate_target(self, target: dict[str, Any]) -> list[Problem]:
        problems = []
        ids = [key for key in ("channel_id", "user_id") if target.get(key)]
        if len(ids) != 1:
            problems.append(Problem("channel.problem.lineworks_address"))
        for key in ids:
            if not isinstance(target[key], str):
                problems.append(Problem("channel.problem.not_text", {"field": key}))
        if _ack_action(target) not in ACK_ACTIONS:
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
            key = _token_key(credentials)
            url = _message_url(credentials, target)
            payload = build_payload(message, target)
            return self._post_with_token(key, url, payload, credentials, timeout=timeout)
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
            key = _token_key(credentials)
            payload = {"content": content}
            return self._post_with_token(key, url, payload, credentials, timeout=timeout)
        except DeliveryFailure as failure:
            return failure.result

    def access_token(self, credentials: dict[str, Any], *, timeout: float) -> str:
        """A valid access token (cached); raises :class:`DeliveryFailure`."""
        key = _token_key(credentials)
        return self._tokens.get(
            key, lambda: self._exchange_token(key, credentials, timeout=timeout)
        )

    def forget_token(self, credentials: dict[str, Any], token: str) -> None:
        """Drop ``token`` after the API refused it (the next call exchanges a new one)."""
        self._tokens.discard(_token_key(credentials), token)

    def _post_with_token(
        self,
        key: _TokenKey,
        url: str,
        payload: dict[str, Any],
        credentials: dict[str, Any],
        *,
        timeout: float,
    ) -> SendResult:
        def fetch() -> tuple[str, float]:
            return self._exchange_token(key, credentials, timeout=timeout)

        token = self._tokens.get(key, fetch)
        response = _post_message(url, token, payload, timeout=timeout)
        if response.status_code == 401:
            # Tokens can be revoked before their stated expiry: refresh once, then give up.
            self._tokens.discard(key, token)
            token = self._tokens.get(key, fetch)
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
        if _ack_action(target) == "uri" and not message.ack_url:
            problems.append("message has no ack_url for the 了解 button")
        if problems:
            detail = "LINE WORKS configuration: " + "; ".join(problems)
            raise DeliveryFailure(SendResult.failed(detail, retryable=False))

    def _exchange_token(
        self, key: _TokenKey, credentials: dict[str, Any], *, timeout: float
    ) -> tuple[str, float]:
        """Trade a freshly signed JWT for an access token: ``(token, lifetime in seconds)``."""
        form = {
            "assertion": self._sign_assertion(key, credentials["private_key"]),
            "grant_type": JWT_GRANT_TYPE,
            "client_id": key.client_id,
            "client_secret": credentials["client_secret"],
            "scope": TOKEN_SCOPE,
        }
        what = "LINE WORKS token"
        response = transport.post(key.token_url, what=what, timeout=timeout, data=form)
        result = classify_status(
            response.status_code,
            what=what,
            body=response.text,
            retry_after=response.headers.get("Retry-After"),
        )
        if not result.ok:
            raise DeliveryFailure(result)
        try:
            answer = response.json()
            token = answer["access_token"]
            lifetime = float(answer.get("expires_in") or DEFAULT_TOKEN_LIFETIME_SECONDS)
        except (ValueError, KeyError, TypeError) as exc:
            detail = f"{what}: unexpected response ({type(exc).__name__})"
            raise DeliveryFailure(SendResult.failed(detail, retryable=True)) from exc
        if not isinstance(token, str) or not token:
            raise DeliveryFailure(SendResult.failed(f"{what}: empty access token", retryable=True))
        return token, lifetime

    def _sign_assertion(self, key: _TokenKey, private_key: str) -> str:
        issued_at = int(self._wall_clock())
        claims = {
            "iss": key.client_id,
            "sub": key.service_account,
            "iat": issued_at,
            "exp": issued_at + JWT_LIFETIME_SECONDS,
        }
        try:
            return jwt.encode(claims, _normalise_pem(private_key), algorithm="RS256")
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            reason = type(exc).__name__
            detail = f"LINE WORKS configuration: private_key is not a usable RSA key ({reason})"
            raise DeliveryFailure(SendResult.failed(detail, retryable=False)) from exc


def build_payload(message: Message, target: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of the message call: a button_template with one 了解 button."""
    label = message.action_label or format_text("channel.ack_button", message.language)
    if _ack_action(target) == "message":
        action = {
            "type": "message",
            "label": label,
            "postback": f"{ACK_POSTBACK_PREFIX}{message.delivery_id}",
        }
    else:
        action = {"type": "uri", "label": label, "uri": message.ack_url}
    # Tapped answers first (the roll-call's safety, a directive's answer), the link last.
    pairs = list(message.choices)
    if not pairs and _ack_action(target) == "message":
        pairs = [
            (
                format_text(f"channel.answer.{word}", message.language),
                f"{ANSWER_POSTBACK_PREFIX}{message.delivery_id}:{word}",
            )
            for word in ANSWER_WORDS
        ]
    choices = [{"type": "message", "label": text, "postback": postback} for text, postback in pairs]
    # 了解 first in the room, then the answers; a link's button last.
    actions = [action, *choices] if action["type"] == "message" else [*choices, action]
    content: dict[str, Any] = {
        "type": "button_template",
        "contentText": compose_text(message),
        "actions": actions,
    }
    if message.quick_replies:
        content["quickReply"] = quick_reply(message.quick_replies)
    return {"content": content}


def quick_reply(items: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> dict[str, Any]:
    """A ``quickReply`` object: one message action per (label, postback), at most 13."""
    return {
        "items": [
            {"action": {"type": "message", "label": label, "text": label, "postback": postback}}
            for label, postback in list(items)[:QUICK_REPLY_LIMIT]
        ]
    }


def compose_text(message: Message) -> str:
    """Heading, addressee, body and deadline, cutting the body so the whole fits the API limit."""
    head = [
        format_subject(message.title, message.priority, message.language),
        format_text("channel.addressee", message.language, ward_name=message.ward_name),
    ]
    tail = [format_deadline(message.deadline, message.language)] if message.deadline else []
    body = message.body.strip()
    fixed = _utf16_len("\n".join([*head, "", *tail])) + 1
    room = CONTENT_TEXT_LIMIT - fixed
    if _utf16_len(body) > room:
        body = _cut_utf16(body, max(room - len(ELLIPSIS), 0)) + ELLIPSIS
    text = "\n".join([*head, "", body, *tail])
    # Only reached when the heading alone is over the limit.
    if _utf16_len(text) > CONTENT_TEXT_LIMIT:
        text = _cut_utf16(text, CONTENT_TEXT_LIMIT - len(ELLIPSIS)) + ELLIPSIS
    return text


def verify_callback_signature(body: bytes, signature_header: str, bot_secret: str) -> bool:
    """Whether ``X-WORKS-Signature`` is base64(HMAC-SHA256(bot secret, raw body)).

    Check this on the raw request bytes before parsing anything.
    """
    if not signature_header or not bot_secret:
        return False
    expected = base64.b64encode(hmac.new(bot_secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature_header.strip().encode("utf-8", "replace"))


def parse_callback(body: bytes | str) -> CallbackEvent | None:
    """The acknowledgement carried by a callback body, or None if it is anything else.

    Accepts the text message a "message" action posts (``content.postback``) and, for other
    templates, a postback event (``data``). Call only after verifying the signature.
    """
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(event, dict):
        return None
    postback = None
    if event.get("type") == "message" and isinstance(event.get("content"), dict):
        postback = event["content"].get("postback")
    elif event.get("type") == "postback":
        postback = event.get("data")
    delivery_id = _parse_ack_postback(postback)
    source = event.get("source")
    if delivery_id is None or not isinstance(source, dict):
        return None
    user_id = source.get("userId")
    if not isinstance(user_id, str) or not user_id:
        return None
    channel_id = source.get("channelId")
    return CallbackEvent(
        delivery_id=delivery_id,
        user_id=user_id,
        channel_id=channel_id if isinstance(channel_id, str) and channel_id else None,
        issued_at=_parse_time(event.get("issuedTime")),
    )


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


def _token_key(credentials: dict[str, Any]) -> _TokenKey:
    return _TokenKey(
        token_url=credentials.get("token_url") or DEFAULT_TOKEN_URL,
        client_id=credentials["client_id"],
        service_account=credentials["service_account"],
    )


def api_base(credentials: dict[str, Any]) -> str:
    """The Bot API's base URL (``api_base`` credential, else LINE WORKS's own)."""
    return (credentials.get("api_base") or DEFAULT_API_BASE).rstrip("/")


def _message_url(credentials: dict[str, Any], target: dict[str, Any]) -> str:
    base = api_base(credentials)
    bot = quote(str(credentials["bot_id"]), safe="")
    if target.get("channel_id"):
        return f"{base}/bots/{bot}/channels/{quote(target['channel_id'], safe='')}/messages"
    return f"{base}/bots/{bot}/users/{quote(target['user_id'], safe='')}/messages"


def _ack_action(target: dict[str, Any]) -> str:
    return target.get("ack_action") or ACK_ACTIONS[0]


def _parse_ack_postback(postback: Any) -> int | None:
    if not isinstance(postback, str) or not postback.startswith(ACK_POSTBACK_PREFIX):
        return None
    number = postback[len(ACK_POSTBACK_PREFIX) :]
    if not number.isascii() or not number.isdigit() or number.startswith("0"):
        return None
    return int(number)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _normalise_pem(private_key: str) -> str:
    # A PEM pasted into a one-line environment variable arrives with literal "\n".
    if "\n" not in private_key and "\\n" in private_key:
        return private_key.replace("\\n", "\n")
    return private_key


def _utf16_len(text: str) -> int:
    # The API counts UTF-16 code units (Java strings): an emoji outside the BMP counts twice.
    return len(text.encode("utf-16-le")) // 2


def _cut_utf16(text: str, units: int) -> str:
    """The longest prefix of ``text`` that is at most ``units`` UTF-16 code units long."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return text[:index]
    return text
