"""Chronology (クロノロジー): one time-ordered log of everything that happened,
and its CSV export."""

from dashboard.services.chronology.events import (
    DEFAULT_LIMIT,
    EVENT_KINDS,
    NAMES_LISTED,
    TIME_FORMAT,
    ChronologyEvent,
    events_csv,
    list_events,
    local_time,
)

__all__ = [
    "ChronologyEvent",
    "DEFAULT_LIMIT",
    "EVENT_KINDS",
    "NAMES_LISTED",
    "TIME_FORMAT",
    "events_csv",
    "list_events",
    "local_time",
]
