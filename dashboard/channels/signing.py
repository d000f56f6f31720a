"""Signed, expiring acknowledgement tokens for the links sent with each directive.

A token reads ``<delivery_id>.<expires>.<signature>``: the delivery id and the expiry (Unix
seconds) in decimal, then the unpadded URL-safe base64 of HMAC-SHA256 over
``<delivery_id>.<expires>``.
As in itsdangerous, the HMAC key is derived from the application secret with a purpose-specific
salt, so a signature made for anything else with the same secret is never a valid ack token.
Every character is URL-safe, so the token can go into a path or query string unescaped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime

# Separates the key derived for ack tokens from other uses of the application secret.
SALT = b"dashboard.channels.ack-token"
# Shape of a token; anything else is rejected before any cryptography.
TOKEN_PATTERN = re.compile(r"^([1-9][0-9]{0,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


class AckTokenError(ValueError):
    """The acknowledgement token cannot be accepted."""


class AckTokenInvalid(AckTokenError):
    """The token is malformed, was altered, or was signed with another secret."""


class AckTokenExpired(AckTokenError):
    """The token is authentic but its expiry has passed."""

    def __init__(self, delivery_id: int, expired_at: datetime) -> None:
        super().__init__(f"acknowledgement link expired at {expired_at.isoformat()}")
        self.delivery_id = delivery_id
        self.expired_at = expired_at


def make_ack_token(delivery_id: int, secret: str, *, expires_at: datetime) -> str:
    """A URL-safe token proving the holder may acknowledge ``delivery_id`` until ``expires_at``."""
    if isinstance(delivery_id, bool) or not isinstance(delivery_id, int) or delivery_id <= 0:
        raise ValueError("delivery_id must be a positive integer")
    _require_aware(expires_at, "expires_at")
    payload = f"{delivery_id}.{int(expires_at.timestamp())}"
    return f"{payload}.{_sign(payload, secret)}"


def verify_ack_token(token: str, secret: str, *, now: datetime) -> int:
    """The delivery id of an authentic, unexpired token.

    Raises :class:`AckTokenInvalid` for anything malformed or tampered with and
    :class:`AckTokenExpired` for an authentic token used at or after its expiry.
    """
    _require_aware(now, "now")
    match = TOKEN_PATTERN.match(token or "")
    if match is None:
        raise AckTokenInvalid("malformed acknowledgement link")
    delivery_text, expires_text, signature = match.groups()
    payload = f"{delivery_text}.{expires_text}"
    # Signature first, so an attacker learns nothing about expiry handling from forged tokens.
    if not hmac.compare_digest(signature, _sign(payload, secret)):
        raise AckTokenInvalid("acknowledgement link signature does not match")
    delivery_id = int(delivery_text)
    expires = int(expires_text)
    if now.timestamp() >= expires:
        raise AckTokenExpired(delivery_id, datetime.fromtimestamp(expires, tz=now.tzinfo))
    return delivery_id


def _sign(payload: str, secret: str) -> str:
    if not secret:
        raise ValueError("a non-empty secret is required to sign acknowledgement links")
    key = hmac.new(secret.encode(), SALT, hashlib.sha256).digest()
    digest = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _require_aware(moment: datetime, name: str) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
