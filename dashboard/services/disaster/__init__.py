"""Disaster-mode declarations (災害モード宣言): declaring, ending, listing; a declaration asks every
ward HQ to confirm it is operating, as a directive."""

from dashboard.services.disaster.declarations import (
    LEVELS,
    NOTE_MAX,
    declarable_scopes,
    declare_disaster,
    end_disaster,
    list_declarations,
)
from dashboard.services.gate import gate

__all__ = [
    "LEVELS",
    "NOTE_MAX",
    "declarable_scopes",
    "declare_disaster",
    "end_disaster",
    "list_declarations",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
