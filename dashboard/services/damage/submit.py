"""Submitting a damage report: stored once per submission id, with its photos, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.errors import PermissionDenied, ServiceError, ValidationFailed
from dashboard.services.areas import require_area_writer, require_reporter, scope_codes, ward_at
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.damage.drafts import ReportDraft, draft_values, validate_draft
from dashboard.services.damage.photos import (
    PhotoError,
    ProcessedPhoto,
    check_photo_count,
    process_photo,
)
from dashboard.services.modes import exercise_now
from dashboard.storage.db import store_once
from dashboard.storage.models import DamagePhoto, DamageReport, Jurisdiction, utcnow

# Longest submission id a caller may send (the column holds 64).
SUBMISSION_MAX_LEN = 64


def _process_photos(photos: Sequence[bytes]) -> list[ProcessedPhoto]:
    """Validate and clean every photo before the transaction (CPU work outside the write lock)."""
    try:
        check_photo_count(len(photos))
        return [process_photo(data) for data in photos]
    except PhotoError as exc:
        raise ValidationFailed({"photos": (exc.key, exc.params)}) from exc


def submit_report(
    engine: Engine,
    actor: Actor,
    draft: ReportDraft,
    *,
    submission_id: str,
    confirm_outside: bool = False,
    at: datetime | None = None,
    photos: Sequence[bytes] = (),
) -> int:
    """Store a damage report and its photos once per ``submission_id``; returns its id.

    The ward is derived from the point. A reporter whose area does not contain the point must
    confirm it (``confirm_outside``); the report is then flagged as outside the reporter's ward.
    Photos are stored without location metadata, in the same transaction: all or nothing.
    """
    require_reporter(actor)
    if not submission_id or len(submission_id) > SUBMISSION_MAX_LEN:
        raise ServiceError("reporting.submission_invalid")
    draft = validate_draft(draft)
    cleaned = _process_photos(photos)

    def find(session: Session) -> int | None:
        return session.scalar(
            select(DamageReport.id).where(DamageReport.submission_id == submission_id)
        )

    def write(session: Session) -> int:
        require_area_writer(session, actor)
        scope = scope_codes(session, actor)
        ward_code = ward_at(session, draft.lat, draft.lon)
        home = session.get(Jurisdiction, actor.jurisdiction_code)
        outside = ward_code not in scope
        if outside and not confirm_outside:
            raise PermissionDenied("damage.outside_ward")
        exercise = exercise_now(session)
        report = DamageReport(
            submission_id=submission_id,
            ward_code=ward_code,
            # The reporter's own area, so they keep sight of what they reported anywhere.
            reporter_ward_code=home.code if home else None,
            outside_reporter_ward=outside,
            exercise=exercise,
            reported_by_id=actor.user_id,
            reported_at=at or utcnow(),
            **draft_values(draft),
        )
        session.add(report)
        session.flush()
        for photo in cleaned:
            session.add(
                DamagePhoto(
                    report_id=report.id,
                    content_type=photo.content_type,
                    data=photo.data,
                    thumbnail=photo.thumbnail,
                    width=photo.width,
                    height=photo.height,
                )
            )
        record_audit(
            session,
            actor,
            AuditAction.DAMAGE_REPORT_SUBMITTED,
            entity="damage_report",
            entity_id=report.id,
            exercise=exercise,
            detail={
                "category": draft.category,
                "severity": draft.severity,
                "ward": ward_code,
                "outside": outside,
                "photos": len(cleaned),
            },
        )
        return report.id

    return store_once(engine, find, write)
