"""Chronology (クロノロジー): one time-ordered log of everything that happened,
and its CSV export (cells made safe for spreadsheets)."""

from dashboard.services.chronology.events import (
    EVENT_KINDS,
    TIME_FORMAT,
    ChronologyEvent,
    events_csv,
    list_events,
)
from dashboard.services.gate import gate

__all__ = [
    "ChronologyEvent",
    "EVENT_KINDS",
    "TIME_FORMAT",
    "events_csv",
    "list_events",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
