"""Numbered situation reports (第N報) on 第4号様式: the damage report a municipality owes its
prefecture, built from what the wards already sent, and the prefecture's own report.

rows: the form's rows and units, as data · figures: every figure per ward from damage reports,
ward tallies and shelter status · wards: tallies and the ward head's confirmation · reports:
drafts, issuing immutable snapshots, reading them · schedule: reporting times, next due, late ·
outputs: xlsx, CSV, A4 HTML, PDF · snapshot: the report as data.
"""

from dashboard.services.gate import gate
from dashboard.services.sitreports.figures import CONFIRMED, STALE, UNCONFIRMED
from dashboard.services.sitreports.outputs import (
    report_csv,
    report_html,
    report_pdf,
    report_table,
    report_xlsx,
    source_text,
    value_text,
)
from dashboard.services.sitreports.reports import (
    IssuedSummary,
    draft_report,
    get_report,
    issue_report,
    list_reports,
    previous_report,
)
from dashboard.services.sitreports.rows import (
    HOUSING_CLASS_KEYS,
    HOUSING_CLASSES,
    REMARK_KEYS,
    ROW_BY_KEY,
    ROWS,
    TALLY_ROW_KEYS,
    Row,
)
from dashboard.services.sitreports.schedule import (
    BodyStatus,
    LateReport,
    late_reports,
    next_due,
    reporting_status,
)
from dashboard.services.sitreports.snapshot import AreaFigures, SitrepView, changed_figures
from dashboard.services.sitreports.wards import (
    TallyEntry,
    confirm_ward,
    enter_tallies,
    parse_tallies,
    ward_draft,
    ward_tallies,
)

__all__ = [
    "CONFIRMED",
    "HOUSING_CLASSES",
    "HOUSING_CLASS_KEYS",
    "REMARK_KEYS",
    "ROWS",
    "ROW_BY_KEY",
    "STALE",
    "TALLY_ROW_KEYS",
    "UNCONFIRMED",
    "AreaFigures",
    "BodyStatus",
    "IssuedSummary",
    "LateReport",
    "Row",
    "SitrepView",
    "TallyEntry",
    "changed_figures",
    "confirm_ward",
    "draft_report",
    "enter_tallies",
    "get_report",
    "issue_report",
    "late_reports",
    "list_reports",
    "next_due",
    "parse_tallies",
    "previous_report",
    "report_csv",
    "report_html",
    "report_pdf",
    "report_table",
    "report_xlsx",
    "reporting_status",
    "source_text",
    "value_text",
    "ward_draft",
    "ward_tallies",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
