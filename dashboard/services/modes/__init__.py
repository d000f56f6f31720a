"""The system's operating mode: disaster declarations in force and drills (訓練), whose data is
exercise data kept out of real views."""

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
