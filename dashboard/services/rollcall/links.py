"""Personal, signed, expiring links to the answer page (itsdangerous).

The token carries the recipient id and the staff id, timestamped and signed with the application
secret under a salt of its own, so neither a directive's acknowledgement token nor any other
signature made with the same secret is ever a valid answer link. The link alone authorises
answering for its one person in its one roll-call; it never appears in logs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from dashboard.settings import Settings

# Separates answer-link signatures from every other use of the secret.
SALT = "dashboard.rollcall.answer"
# Path of the answer page under the dashboard's base URL.
ANSWER_PATH = "/rollcall_answer"
# Longest token looked at (ours are about 50 characters).
TOKEN_MAX = 200


def _serializer(secret: str, now: datetime) -> URLSafeTimedSerializer:
    moment = int(now.timestamp())

    class _Signer(TimestampSigner):
        # Time comes from the caller, so tests can expire a link without waiting.
        def get_timestamp(self) -> int:
            return moment

    return URLSafeTimedSerializer(secret, salt=SALT, signer=_Signer)


def make_answer_token(recipient_id: int, staff_id: int, *, secret: str, now: datetime) -> str:
    return _serializer(secret, now).dumps([recipient_id, staff_id])


def read_answer_token(
    token: str, *, secret: str, max_age_seconds: int, now: datetime
) -> tuple[int, int] | None:
    """(recipient id, staff id) of an authentic, unexpired token; None for anything else."""
    if not token or len(token) > TOKEN_MAX:
        return None
    try:
        value: Any = _serializer(secret, now).loads(token, max_age=max_age_seconds)
    except (SignatureExpired, BadSignature):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return None
    return value[0], value[1]


def answer_url(recipient_id: int, staff_id: int, *, settings: Settings, now: datetime) -> str:
    token = make_answer_token(recipient_id, staff_id, secret=settings.secret_key, now=now)
    return f"{settings.base_url.rstrip('/')}{ANSWER_PATH}?token={token}"


def link_max_age(settings: Settings) -> int:
    return settings.ack_link_hours * 3600
