"""The system's operating mode: disaster declarations in force, drills (訓練), whose data is
exercise data kept out of real views, and the disaster records (災害) that data falls under."""

from dashboard.services.gate import gate
from dashboard.services.modes.disasters import (
    DISASTER_KINDS,
    DISASTER_NAME_MAX,
    DisasterView,
    close_disaster,
    disaster_window,
    get_disaster,
    list_disasters,
    parse_report_times,
    record_disaster,
    set_report_times,
)
from dashboard.services.modes.drills import (
    NAME_MAX,
    clear_drill_data,
    end_drill,
    exercise_now,
    list_drills,
    start_drill,
)
from dashboard.services.modes.mode import (
    Declaration,
    Mode,  # noqa: E402
    active_declarations,
    mode_for,
)

__all__ = [
    "DISASTER_KINDS",
    "DISASTER_NAME_MAX",
    "DisasterView",
    "close_disaster",
    "disaster_window",
    "get_disaster",
    "list_disasters",
    "parse_report_times",
    "record_disaster",
    "set_report_times",
    "Mode",
    "Declaration",
    "NAME_MAX",
    "active_declarations",
    "clear_drill_data",
    "end_drill",
    "exercise_now",
    "list_drills",
    "mode_for",
    "start_drill",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
