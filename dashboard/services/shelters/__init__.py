"""Shelters: the registry with each shelter's latest status, status updates (append-only
history with a conflict warning), "no change" for a whole ward, and ad-hoc shelters.

queries: what pages and other features read · status: the writes on current state and their
lock · adhoc: 臨時避難所 · forms: the forms as typed.
"""

from dashboard.services.gate import gate
from dashboard.services.shelters.adhoc import register_adhoc_shelter
from dashboard.services.shelters.forms import (
    ADHOC_FORM_FIELDS,
    STATUS_FORM_FIELDS,
    register_adhoc_form,
    status_form,
    status_form_hints,
    submit_status_form,
)
from dashboard.services.shelters.queries import (
    ShelterView,
    StatusEntry,
    get_shelter,
    latest_status_ids,
    list_shelters,
    query_shelters,
    shelter_history,
)
from dashboard.services.shelters.rules import RUNNING_STATES
from dashboard.services.shelters.status import (
    StatusConflict,
    capacity_hints,
    confirm_no_change,
    record_status,
)

__all__ = [
    "capacity_hints",
    "query_shelters",
    "ADHOC_FORM_FIELDS",
    "RUNNING_STATES",
    "STATUS_FORM_FIELDS",
    "ShelterView",
    "StatusConflict",
    "StatusEntry",
    "confirm_no_change",
    "get_shelter",
    "latest_status_ids",
    "list_shelters",
    "record_status",
    "register_adhoc_form",
    "register_adhoc_shelter",
    "shelter_history",
    "status_form",
    "status_form_hints",
    "submit_status_form",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
