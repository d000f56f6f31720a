"""Staff safety and mobilisation roll-call (職員安否確認・参集): the staff register, roll-calls
started by hand, by a declaration or by a seismic intensity, personal signed answer links,
reminders, and the board per unit. Personal data goes only to the crisis office and the person's
unit head."""

from dashboard.services.rollcall.answers import (
    AnswerPage,
    AnswerView,
    answer_page,
    submit_answer,
    verify_answer_link,
)
from dashboard.services.rollcall.board import (
    HORIZONS,
    STAFFING_BANDS,
    Board,
    PersonRow,
    Staffing,
    UnitCounts,
    board,
    export_csv,
    export_xlsx,
    people,
    staffing_layer,
)
from dashboard.services.rollcall.calls import (
    DEFAULT_REMIND_MINUTES,
    REMIND_RANGE,
    RollCallView,
    end_rollcall,
    list_rollcalls,
    start_rollcall,
)
from dashboard.services.rollcall.links import ANSWER_PATH, answer_url
from dashboard.services.rollcall.register import (
    COLUMNS,
    ImportReport,
    RowProblem,
    StaffView,
    UnitChoice,
    import_staff,
    list_staff,
    set_staff_active,
    units_in_scope,
)
from dashboard.services.rollcall.reminders import remind_unanswered
from dashboard.services.rollcall.triggers import (
    INTENSITIES,
    INTENSITY_TIERS,
    record_intensity,
    record_jma_intensity,
    start_for_declaration,
)
from dashboard.services.rollcall.vocab import ATTENDANCE, SAFETY, TIERS

__all__ = [
    "ANSWER_PATH",
    "ATTENDANCE",
    "AnswerPage",
    "AnswerView",
    "Board",
    "COLUMNS",
    "DEFAULT_REMIND_MINUTES",
    "HORIZONS",
    "INTENSITIES",
    "INTENSITY_TIERS",
    "ImportReport",
    "PersonRow",
    "REMIND_RANGE",
    "RollCallView",
    "RowProblem",
    "SAFETY",
    "STAFFING_BANDS",
    "Staffing",
    "StaffView",
    "TIERS",
    "UnitChoice",
    "UnitCounts",
    "answer_page",
    "answer_url",
    "board",
    "end_rollcall",
    "export_csv",
    "export_xlsx",
    "import_staff",
    "list_rollcalls",
    "list_staff",
    "people",
    "record_intensity",
    "record_jma_intensity",
    "remind_unanswered",
    "set_staff_active",
    "staffing_layer",
    "start_for_declaration",
    "start_rollcall",
    "submit_answer",
    "units_in_scope",
    "verify_answer_link",
]
