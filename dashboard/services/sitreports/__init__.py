"""Numbered situation reports (第N報) on 第4号様式: the damage report a municipality owes its
prefecture, built from what the wards already sent, and the prefecture's own report.

rows: the form's rows and units, as data · figures: every figure per ward from damage reports,
ward tallies and shelter status · aggregates: the damage reports' sums cached per process ·
wards: tallies and the ward head's confirmation · reports: drafts, issuing immutable
snapshots, reading them · summary: その1 (災害概況即報), issued through the same numbering ·
schedule: reporting times, next due, late · form: その1 / その2 as the form's grid ·
outputs: xlsx, CSV, A4 HTML · pdf: the A4 PDF, font embedded · snapshot: the report as data.
"""

from dashboard.services.gate import gate
from dashboard.services.sitreports.figures import CONFIRMED, STALE, UNCONFIRMED
from dashboard.services.sitreports.outputs import (
    area_table,
    form_lines,
    office_table,
    report_csv,
    report_html,
    report_table,
    report_xlsx,
    source_text,
    value_text,
)
from dashboard.services.sitreports.pdf import PDF_FONT, font_path, report_pdf
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
    REMARK_LABELS,
    ROW_BY_KEY,
    ROWS,
    SUMMARY_LABELS,
    SUMMARY_REMARK_KEYS,
    TALLY_ROW_KEYS,
    Row,
)
from dashboard.services.sitreports.schedule import (
    FIRST_REPORT_MINUTES,
    BodyStatus,
    LateReport,
    first_report_due,
    first_reports_owed,
    late_reports,
    next_due,
    reporting_status,
)
from dashboard.services.sitreports.snapshot import (
    DAMAGE,
    FORMS,
    SUMMARY,
    AreaFigures,
    SitrepView,
    changed_figures,
)
from dashboard.services.sitreports.summary import (
    SUMMARY_FIGURES,
    draft_summary_report,
    issue_summary_report,
    summary_figures,
    summary_starting_text,
)
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
    "FIRST_REPORT_MINUTES",
    "first_report_due",
    "DAMAGE",
    "FORMS",
    "REMARK_LABELS",
    "SUMMARY",
    "SUMMARY_FIGURES",
    "SUMMARY_LABELS",
    "SUMMARY_REMARK_KEYS",
    "PDF_FONT",
    "area_table",
    "font_path",
    "form_lines",
    "office_table",
    "draft_summary_report",
    "issue_summary_report",
    "summary_figures",
    "summary_starting_text",
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
    "first_reports_owed",
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
