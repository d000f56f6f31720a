"""The command map's read model: a per-process cache of the situation keyed on a cheap data
version (``version``, ``cache``, ``basis``), the filters, and the views the map page draws: the
city map, the prefecture's municipal overview and a ward's side panel (``views``, ``detail``),
each also as of a past moment (``replay``); the directive the map follows (``acks``), and a
directive pre-filled from the map and sent in one click (``drafts``)."""

from dashboard.services.command_map.acks import ACK_DONE, ACK_WAITING, TrackedDirective
from dashboard.services.command_map.detail import PendingDirective, WardDetail, ward_detail
from dashboard.services.command_map.drafts import (
    TEMPLATE_RULES,
    DirectiveDraft,
    draft_directive,
    send_draft,
    suggested_targets,
)
from dashboard.services.command_map.figures import KeyFigures
from dashboard.services.command_map.filters import (
    DEFAULT_REVIEW_STATES,
    DEFAULT_WINDOW,
    TIME_WINDOWS,
    MapFilters,
)
from dashboard.services.command_map.replay import ReplaySpan, replay_span
from dashboard.services.command_map.views import (
    SituationView,
    command_view,
    count_reports,
    has_overview,
    municipality_choices,
    overview_view,
    scope_situations,
    ward_choices,
)
from dashboard.services.gate import gate

__all__ = [
    "ACK_DONE",
    "ACK_WAITING",
    "DEFAULT_REVIEW_STATES",
    "DEFAULT_WINDOW",
    "DirectiveDraft",
    "KeyFigures",
    "MapFilters",
    "PendingDirective",
    "ReplaySpan",
    "SituationView",
    "TEMPLATE_RULES",
    "TIME_WINDOWS",
    "TrackedDirective",
    "WardDetail",
    "command_view",
    "count_reports",
    "draft_directive",
    "has_overview",
    "municipality_choices",
    "overview_view",
    "replay_span",
    "scope_situations",
    "send_draft",
    "suggested_targets",
    "ward_choices",
    "ward_detail",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
