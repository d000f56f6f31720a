"""Limits and checks shared by every shelter write (status reports, "no change", ad-hoc)."""

from __future__ import annotations

from typing import Final

from dashboard.domain import ShelterState
from dashboard.errors import ServiceError

# Largest count of people accepted in one field (a typo guard, far above any shelter).
MAX_COUNT = 100_000
# Length limits of free text, in characters.
NOTE_MAX_LEN = 1000
NAME_MAX_LEN = 200
ADDRESS_MAX_LEN = 300
# Longest caller-made submission id; derived ids append ":<shelter id>" within the 64 columns.
SUBMISSION_MAX_LEN = 48
# States in which a shelter is running, so a "no change" confirmation applies to it.
RUNNING_STATES: Final = frozenset({ShelterState.PREPARING, ShelterState.OPEN, ShelterState.FULL})


def range_problem(value: int) -> tuple[str, dict[str, object]]:
    """The message of a count outside 0..MAX_COUNT."""
    if value < 0:
        return ("input.too_small", {"minimum": 0})
    return ("input.too_large", {"maximum": MAX_COUNT})


def check_submission_id(submission_id: str) -> None:
    if not submission_id or len(submission_id) > SUBMISSION_MAX_LEN:
        raise ServiceError("reporting.submission_invalid")
