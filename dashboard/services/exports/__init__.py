"""Exports: shelters (registry layouts, running-shelter table, Lアラート 避難所情報 CSV and XML)
and damage reports as CSV
(UTF-8 with BOM or CP932), .xlsx and GeoJSON, scoped to the actor, with formula cells
neutralised by ``safe_cell``."""

from dashboard.services.exports.cells import (
    FILE_TYPES,
    ExportTable,
    FileType,
    csv_bytes,
    geojson_bytes,
    render,
    safe_cell,
    xlsx_bytes,
)
from dashboard.services.exports.lalert import (
    LAlertShelter,
    lalert_table,
    lalert_xml,
    shelter_states,
)
from dashboard.services.exports.rejected import rejected_table
from dashboard.services.exports.reports import REPORT_COLUMNS, reports_table
from dashboard.services.exports.shelters import (
    code_with_check_digit,
    crowding,
    registry_table,
    status_table,
)
from dashboard.services.gate import gate

__all__ = [
    "LAlertShelter",
    "lalert_table",
    "lalert_xml",
    "shelter_states",
    "FILE_TYPES",
    "REPORT_COLUMNS",
    "ExportTable",
    "FileType",
    "code_with_check_digit",
    "crowding",
    "csv_bytes",
    "geojson_bytes",
    "registry_table",
    "rejected_table",
    "render",
    "reports_table",
    "safe_cell",
    "status_table",
    "xlsx_bytes",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
