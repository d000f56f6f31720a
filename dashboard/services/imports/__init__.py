"""Imports: a city's shelter registry (GSI and デジタル庁 layouts, GeoJSON, any CSV with a column
mapping) and its staff accounts, checked row by row before one transaction writes them."""

from dashboard.services.gate import gate
from dashboard.services.imports.accounts import USER_COLUMNS, UserImportResult, import_users
from dashboard.services.imports.layouts import (
    FORMATS,
    GENERIC,
    HAZARD_WORDS,
    LAYOUTS,
    STATUS_COLUMNS,
    Layout,
    detect_layout,
    normalise_header,
    parse_mapping,
)
from dashboard.services.imports.reading import ENCODINGS, Table, decode, read_table
from dashboard.services.imports.results import ImportResult, Problem, RowProblem, ShelterRow
from dashboard.services.imports.shelters import SAMPLE_ROWS, import_shelters
from dashboard.services.imports.values import (
    FORMULA_STARTS,  # noqa: E402
    parse_capacity,
    parse_flag,
)

__all__ = [
    "FORMULA_STARTS",
    "USER_COLUMNS",
    "UserImportResult",
    "import_users",
    "ENCODINGS",
    "FORMATS",
    "GENERIC",
    "HAZARD_WORDS",
    "LAYOUTS",
    "Layout",
    "ImportResult",
    "Problem",
    "RowProblem",
    "SAMPLE_ROWS",
    "STATUS_COLUMNS",
    "ShelterRow",
    "Table",
    "decode",
    "detect_layout",
    "import_shelters",
    "normalise_header",
    "parse_capacity",
    "parse_flag",
    "parse_mapping",
    "read_table",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
