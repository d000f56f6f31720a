"""The situation of each ward: levels 0–4 and silence, one implementation for the map and the
suggested directive targets."""

from dashboard.services.situation.levels import (
    INACTIVE_REVIEW_STATES,
    MANY_INJURED,
    MAX_LEVEL,
    SERIOUS_SEVERITY,
    SHELTERS_FULL,
    SHELTERS_NEARLY_FULL,
    WIDESPREAD_SERIOUS_REPORTS,
    WardSituation,
    is_silent,
    last_activity_by_ward,
    last_answer_by_ward,
    last_status_by_ward,
    situation_level,
    ward_situations,
)

__all__ = [
    "INACTIVE_REVIEW_STATES",
    "MANY_INJURED",
    "MAX_LEVEL",
    "SERIOUS_SEVERITY",
    "SHELTERS_FULL",
    "SHELTERS_NEARLY_FULL",
    "WIDESPREAD_SERIOUS_REPORTS",
    "WardSituation",
    "is_silent",
    "last_activity_by_ward",
    "last_answer_by_ward",
    "last_status_by_ward",
    "situation_level",
    "ward_situations",
]
