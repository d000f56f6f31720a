"""Areas: the jurisdiction tree (prefecture → municipality → ward), who may see which part of it
(scopes and role checks), boundaries, and where a point lies."""

from dashboard.services.areas.access import (
    require_area_writer,
    require_command,
    require_in_scope,
    require_reporter,
    require_role,
    require_usable,
    scope_codes,
)
from dashboard.services.areas.jurisdictions import (
    Area,
    area_frame,
    get_area,
    import_boundaries,
    leaf_frame,
    list_areas,
    store_areas,
)
from dashboard.services.areas.places import (
    MapBase,
    Place,
    area_names,
    locate,
    map_base,
    ward_at,
)
from dashboard.services.areas.tree import AreaTree, area_tree, is_department
from dashboard.services.gate import gate

__all__ = [
    "leaf_frame",
    "AreaTree",
    "area_tree",
    "Area",
    "MapBase",
    "Place",
    "area_frame",
    "area_names",
    "get_area",
    "import_boundaries",
    "is_department",
    "list_areas",
    "locate",
    "map_base",
    "require_area_writer",
    "require_command",
    "require_in_scope",
    "require_reporter",
    "require_role",
    "require_usable",
    "scope_codes",
    "store_areas",
    "ward_at",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
