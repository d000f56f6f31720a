"""Damage reports: submitted by wards with photos, reviewed by crisis management.

drafts: the report as typed · submit: storing it once with its photos · photos: cleaning photos ·
queries: lists and one report with possible duplicates · review: crisis management's actions.
"""

from dashboard.services.damage.drafts import (
    COUNT_FIELDS,
    DETAIL_FIELDS,
    ReportDraft,
    draft_from_form,
)
from dashboard.services.damage.photos import (
    MAX_EDGE,
    MAX_PHOTOS,
    MAX_UPLOAD_BYTES,
    PHOTO_TEXTS,
    THUMBNAIL_EDGE,
    PhotoError,
    check_photo_count,
    process_photo,
)
from dashboard.services.damage.queries import (
    ReportView,
    count_report_views,
    get_report,
    list_report_views,
    list_reports,
)
from dashboard.services.damage.review import REVIEW_ACTIONS, review_report
from dashboard.services.damage.submit import submit_report
from dashboard.services.gate import gate

__all__ = [
    "COUNT_FIELDS",
    "DETAIL_FIELDS",
    "MAX_EDGE",
    "MAX_PHOTOS",
    "MAX_UPLOAD_BYTES",
    "PHOTO_TEXTS",
    "PhotoError",
    "REVIEW_ACTIONS",
    "ReportDraft",
    "ReportView",
    "THUMBNAIL_EDGE",
    "check_photo_count",
    "count_report_views",
    "draft_from_form",
    "get_report",
    "list_report_views",
    "list_reports",
    "process_photo",
    "review_report",
    "submit_report",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
