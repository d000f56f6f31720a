"""Password hashes (argon2) and the rule for a new password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.errors import ValidationFailed

# Shortest password accepted for an account.
MIN_PASSWORD_LENGTH = 8
# Longest password accepted: argon2 hashes any length, but a megabyte per try is a cheap attack.
MAX_PASSWORD_LENGTH = 1024

_HASHER = PasswordHasher()
# Compared against when the user does not exist, so that unknown names take as long as known ones.
_DUMMY_HASH = _HASHER.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (no such user) as slow as a real check."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def check_password(password: str) -> None:
    """Refuse a new password that is too short (or absurdly long)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": ("user.password_short", {"min": MIN_PASSWORD_LENGTH})})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            {
                "password": (
                    "input.too_long",
                    {"max_len": MAX_PASSWORD_LENGTH, "length": len(password)},
                )
            }
        )
