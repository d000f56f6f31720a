"""Signed, expiring acknowledgement tokens for the links sent with each directive.

A token reads ``<delivery_id>.<expires>.<signature>``: the delivery id and the expiry (Unix
seconds) in decimal, signed with ``itsdangerous`` (HMAC-SHA256 with a key derived from the
application secret and a purpose-specific salt, so a signature made for anything else with the same
secret is never a valid ack token). The expiry travels inside the signed value, so a link keeps the
lifetime it was issued with. Every character is URL-safe, so the token can go into a path or query
string unescaped. (The bytes are the same as those of the hand-written signer this replaced, so
links already sent stay valid.)
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from itsdangerous import BadSignature, Signer

# Separates the key derived for ack tokens from other uses of the application secret.
SALT = b"dashboard.channels.ack-token"
# Shape of the signed value; anything else is refused even with a valid signature.
VALUE_PATTERN = re.compile(r"^([1-9][0-9]{0,18})\.([0-9]{1,12})$")


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
    return _signer(secret).sign(f"{delivery_id}.{int(expires_at.timestamp())}").decode("ascii")


def verify_ack_token(token: str, secret: str, *, now: datetime) -> int:
    """The delivery id of an authentic, unexpired token.

    Raises :class:`AckTokenInvalid` for anything malformed or tampered with and
    :class:`AckTokenExpired` for an authentic token used at or after its expiry.
    """
    _require_aware(now, "now")
    signer = _signer(secret)
    # Signature first, so an attacker learns nothing about expiry handling from forged tokens.
    try:
        value = signer.unsign((token or "").encode("ascii", "replace")).decode("ascii")
    except (BadSignature, UnicodeError) as exc:
        raise AckTokenInvalid("acknowledgement link signature does not match") from exc
    match = VALUE_PATTERN.match(value)
    if match is None:
        raise AckTokenInvalid("malformed acknowledgement link")
    delivery_id, expires = int(match[1]), int(match[2])
    if now.timestamp() >= expires:
        raise AckTokenExpired(delivery_id, datetime.fromtimestamp(expires, tz=now.tzinfo))
    return delivery_id


def _signer(secret: str) -> Signer:
    if not secret:
        raise ValueError("a non-empty secret is required to sign acknowledgement links")
    return Signer(secret, salt=SALT, key_derivation="hmac", digest_method=hashlib.sha256)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
