from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from dashboard.channels.signing import (
    AckTokenError,
    AckTokenExpired,
    AckTokenInvalid,
    make_ack_token,
    verify_ack_token,
)

SECRET = "a-long-random-application-secret"
JST = timezone(timedelta(hours=9))
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=JST)
EXPIRES = NOW + timedelta(hours=48)


def test_round_trip_returns_the_delivery_id():
    token = make_ack_token(4242, SECRET, expires_at=EXPIRES)

    assert verify_ack_token(token, SECRET, now=NOW) == 4242
    assert verify_ack_token(token, SECRET, now=EXPIRES - timedelta(seconds=1)) == 4242


def test_token_is_compact_and_url_safe():
    token = make_ack_token(123456789, SECRET, expires_at=EXPIRES)

    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token)
    assert len(token) < 80


def test_expired_token_is_refused_with_its_own_error():
    token = make_ack_token(4242, SECRET, expires_at=EXPIRES)

    with pytest.raises(AckTokenExpired) as caught:
        verify_ack_token(token, SECRET, now=EXPIRES)

    assert caught.value.delivery_id == 4242
    assert caught.value.expired_at == EXPIRES
    assert isinstance(caught.value, AckTokenError)


def test_expiry_works_across_time_zones():
    token = make_ack_token(1, SECRET, expires_at=datetime(2025, 9, 1, 3, 0, tzinfo=UTC))

    with pytest.raises(AckTokenExpired):
        verify_ack_token(token, SECRET, now=datetime(2025, 9, 1, 12, 0, tzinfo=JST))


def tampered_versions(token: str) -> list[str]:
    delivery, expires, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [
        f"4243.{expires}.{signature}",  # another delivery
        f"{delivery}.{int(expires) + 86400}.{signature}",  # a later expiry
        f"{delivery}.{expires}.{flipped}",  # a forged signature
        f"{delivery}.{expires}",  # signature removed
        f"0{delivery}.{expires}.{signature}",  # same number, other spelling
        token + "x",
        "",
        "not-a-token",
    ]


@pytest.mark.parametrize("index", range(8))
def test_tampered_tokens_are_refused(index: int):
    token = make_ack_token(4242, SECRET, expires_at=EXPIRES)
    bad = tampered_versions(token)[index]

    with pytest.raises(AckTokenInvalid):
        verify_ack_token(bad, SECRET, now=NOW)


def test_token_signed_with_another_secret_is_refused():
    token = make_ack_token(4242, "another-deployment-secret", expires_at=EXPIRES)

    with pytest.raises(AckTokenInvalid):
        verify_ack_token(token, SECRET, now=NOW)


def test_tampering_is_reported_before_expiry():
    token = make_ack_token(4242, SECRET, expires_at=EXPIRES)
    forged = "4243." + token.split(".", 1)[1]

    with pytest.raises(AckTokenInvalid):
        verify_ack_token(forged, SECRET, now=EXPIRES + timedelta(days=1))


@pytest.mark.parametrize("delivery_id", [0, -1, True, "12"])
def test_only_positive_integer_ids_are_signed(delivery_id):
    with pytest.raises(ValueError):
        make_ack_token(delivery_id, SECRET, expires_at=EXPIRES)


def test_naive_datetimes_and_empty_secret_are_refused():
    with pytest.raises(ValueError):
        make_ack_token(1, SECRET, expires_at=datetime(2025, 9, 1, 12, 0))
    with pytest.raises(ValueError):
        make_ack_token(1, "", expires_at=EXPIRES)
    token = make_ack_token(1, SECRET, expires_at=EXPIRES)
    with pytest.raises(ValueError):
        verify_ack_token(token, SECRET, now=datetime(2025, 9, 1, 12, 0))


def test_links_sent_before_the_switch_to_itsdangerous_stay_valid():
    # Made by the hand-written signer this module replaced (same key derivation and encoding).
    sent_before = "4242.1756684800._F1_kVXYSdNEF4Mphp2lAwR8c-NP_ai274Y3lRBFxRA"
    expires = datetime(2025, 9, 1, tzinfo=UTC)

    assert make_ack_token(4242, "s3cret", expires_at=expires) == sent_before
    assert verify_ack_token(sent_before, "s3cret", now=expires - timedelta(hours=1)) == 4242
