"""Staff safety and mobilisation roll-call (職員安否確認・参集): the staff register, roll-calls
started by hand, by a declaration or by a seismic intensity, personal signed answer links,
reminders, and the board per unit. Personal data goes only to the crisis office and the person's
unit head."""

from dashboard.services.gate import gate
from dashboard.services.rollcall.answers import (
    AnswerPage,
    AnswerView,
    answer_page,
    submit_answer,
    submit_chat_answer,
    unavailable,
    unavailable_numbers,
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
from dashboard.services.rollcall.demo_links import DemoLink, demo_answer_links
from dashboard.services.rollcall.editing import (
    EDITABLE,
    StaffChangeView,
    add_staff,
    edit_staff,
    staff_history,
)
from dashboard.services.rollcall.jma_events import Outcome, handle_telegram
from dashboard.services.rollcall.jma_feed import (
    FetchFailed,
    PollResult,
    poll_jma_feed,
    poll_jma_job,
)
from dashboard.services.rollcall.jma_health import FeedHealth, feed_health
from dashboard.services.rollcall.jma_telegram import Telegram, parse_telegram
from dashboard.services.rollcall.jma_upload import record_jma_intensity
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
from dashboard.services.rollcall.staffing import (
    MAX_REQUIRED,
    REQUIREMENT_COLUMNS,
    Requirement,
    import_requirements,
    list_requirements,
    set_requirements,
)
from dashboard.services.rollcall.triggers import (
    INTENSITIES,
    INTENSITY_TIERS,
    record_intensity,
    start_for_declaration,
)
from dashboard.services.rollcall.vocab import (
    ATTENDANCE,
    CHAT_ANSWERS,
    CHAT_ETAS,
    CHAT_PREFIX,
    SAFETY,
    TIERS,
)
from dashboard.services.rollcall.vocab import CRISIS_OFFICE as CRISIS_OFFICE_ROLES

__all__ = [
    "CHAT_ANSWERS",
    "CHAT_ETAS",
    "CHAT_PREFIX",
    "CRISIS_OFFICE_ROLES",
    "DemoLink",
    "demo_answer_links",
    "ANSWER_PATH",
    "FeedHealth",
    "Outcome",
    "Telegram",
    "feed_health",
    "handle_telegram",
    "parse_telegram",
    "ATTENDANCE",
    "AnswerPage",
    "AnswerView",
    "Board",
    "COLUMNS",
    "DEFAULT_REMIND_MINUTES",
    "EDITABLE",
    "FetchFailed",
    "HORIZONS",
    "INTENSITIES",
    "INTENSITY_TIERS",
    "ImportReport",
    "MAX_REQUIRED",
    "PersonRow",
    "PollResult",
    "REMIND_RANGE",
    "REQUIREMENT_COLUMNS",
    "Requirement",
    "RollCallView",
    "RowProblem",
    "SAFETY",
    "STAFFING_BANDS",
    "StaffChangeView",
    "StaffView",
    "Staffing",
    "TIERS",
    "UnitChoice",
    "UnitCounts",
    "add_staff",
    "answer_page",
    "answer_url",
    "board",
    "edit_staff",
    "end_rollcall",
    "export_csv",
    "export_xlsx",
    "import_requirements",
    "import_staff",
    "list_requirements",
    "list_rollcalls",
    "list_staff",
    "people",
    "poll_jma_feed",
    "poll_jma_job",
    "record_intensity",
    "record_jma_intensity",
    "remind_unanswered",
    "set_requirements",
    "set_staff_active",
    "staff_history",
    "staffing_layer",
    "start_for_declaration",
    "start_rollcall",
    "submit_answer",
    "submit_chat_answer",
    "unavailable",
    "unavailable_numbers",
    "units_in_scope",
    "verify_answer_link",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
