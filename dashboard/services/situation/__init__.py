"""The situation of each ward: levels 0–4 and silence, one implementation (``assess_wards``)
for the map's cached frames and the SQL read that suggested directive targets use."""

from dashboard.services.gate import gate
from dashboard.services.situation.levels import (
    INACTIVE_REVIEW_STATES,
    SERIOUS_SEVERITY,
    WardSituation,
    assess_wards,
    is_silent,
    situation_level,
)
from dashboard.services.situation.queries import (
    ScopeCounts,
    last_answer_by_ward,
    last_status_by_ward,
    scope_counts,
    ward_situations,
)

__all__ = [
    "INACTIVE_REVIEW_STATES",
    "SERIOUS_SEVERITY",
    "ScopeCounts",
    "WardSituation",
    "assess_wards",
    "is_silent",
    "last_answer_by_ward",
    "last_status_by_ward",
    "scope_counts",
    "situation_level",
    "ward_situations",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
