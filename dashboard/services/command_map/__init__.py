"""The command map's read model: a per-process cache of the situation keyed on a cheap data
version (``version``, ``cache``, ``basis``), the filters, and the views the map page draws: the
city map, the prefecture's municipal overview and a ward's side panel (``views``, ``detail``)."""

from dashboard.services.command_map.detail import PendingDirective, WardDetail, ward_detail
from dashboard.services.command_map.figures import KeyFigures
from dashboard.services.command_map.filters import (
    DEFAULT_REVIEW_STATES,
    DEFAULT_WINDOW,
    TIME_WINDOWS,
    MapFilters,
)
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

__all__ = [
    "DEFAULT_REVIEW_STATES",
    "DEFAULT_WINDOW",
    "KeyFigures",
    "MapFilters",
    "PendingDirective",
    "SituationView",
    "TIME_WINDOWS",
    "WardDetail",
    "command_view",
    "count_reports",
    "has_overview",
    "municipality_choices",
    "overview_view",
    "scope_situations",
    "ward_choices",
    "ward_detail",
]
