"""The system's operating mode: disaster declarations in force and drills (訓練), whose data is
exercise data kept out of real views."""

from dashboard.services.modes.drills import (
    KEPT_TABLES,
    NAME_MAX,
    DrillView,
    active_exercise,
    clear_drill_data,
    end_drill,
    exercise_now,
    list_drills,
    start_drill,
)
from dashboard.services.modes.mode import (
    Declaration,
    Mode,
    active_declarations,
    current_mode,
    declaration_for,
    mode_for,
)

__all__ = [
    "Declaration",
    "DrillView",
    "KEPT_TABLES",
    "Mode",
    "NAME_MAX",
    "active_declarations",
    "active_exercise",
    "clear_drill_data",
    "current_mode",
    "declaration_for",
    "end_drill",
    "exercise_now",
    "list_drills",
    "mode_for",
    "start_drill",
]
