"""Damage reports: submitted by wards, reviewed by crisis management."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from dashboard.domain import DAMAGE_CATEGORIES, SEVERITIES, Level
from dashboard.services.access import Actor, require_reporter, scope_codes
from dashboard.services.audit import record_audit
from dashboard.services.drills import exercise_now
from dashboard.services.errors import PermissionDenied, ValidationFailed
from dashboard.services.jurisdictions import ward_of_point
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import DamageReport, Jurisdiction, utcnow


@dataclass(frozen=True)
class ReportDraft:
    lat: float
    lon: float
    category: str
    severity: int
    dead: int = 0
    injured: int = 0
    missing: int = 0
    trapped: int = 0
    description: str | None = None
    location_text: str | None = None


def _validate(draft: ReportDraft) -> None:
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    if not -90 <= draft.lat <= 90:
        problems["lat"] = ("input.lat_range", {"minimum": -90, "maximum": 90})
    if not -180 <= draft.lon <= 180:
        problems["lon"] = ("input.lon_range", {"minimum": -180, "maximum": 180})
    if draft.category not in DAMAGE_CATEGORIES:
        problems["category"] = ("damage.category_invalid", {})
    if draft.severity not in SEVERITIES:
        problems["severity"] = ("damage.severity_invalid", {})
    for field in ("dead", "injured", "missing", "trapped"):
        if getattr(draft, field) < 0:
            problems[field] = ("input.too_small", {"minimum": 0})
    if problems:
        raise ValidationFailed(problems)


def submit_report(
    engine: Engine,
    actor: Actor,
    draft: ReportDraft,
    *,
    submission_id: str,
    confirm_outside: bool = False,
    at: datetime | None = None,
) -> int:
    """Store a damage report once per ``submission_id``; returns its id.

    The ward is derived from the point. A ward user reporting a point outside their own ward must
    confirm it (``confirm_outside``); the report is then flagged as outside the reporter's ward.
    """
    require_reporter(actor)
    _validate(draft)
    try:
        with transaction(engine) as session:
            existing = session.scalar(
                select(DamageReport.id).where(DamageReport.submission_id == submission_id)
            )
            if existing is not None:
                return existing
            scope = scope_codes(session, actor)
            ward_code = ward_of_point(session, draft.lat, draft.lon)
            home = session.get(Jurisdiction, actor.jurisdiction_code)
            reporter_ward = home.code if home and home.level == Level.WARD else None
            outside = ward_code not in scope
            if outside and not confirm_outside:
                raise PermissionDenied("damage.outside_ward")
            exercise = exercise_now(session)
            report = DamageReport(
                submission_id=submission_id,
                ward_code=ward_code,
                reporter_ward_code=reporter_ward,
                outside_reporter_ward=outside,
                exercise=exercise,
                reported_by_id=actor.user_id,
                reported_at=at or utcnow(),
                **draft.__dict__,
            )
            session.add(report)
            session.flush()
            record_audit(
                session,
                actor,
                "submit_damage_report",
                entity="damage_report",
                entity_id=report.id,
                exercise=exercise,
                detail={
                    "category": draft.category,
                    "severity": draft.severity,
                    "ward": ward_code,
                    "outside": outside,
                },
            )
            return report.id
    except IntegrityError:
        with reading(engine) as session:
            found = session.scalar(
                select(DamageReport.id).where(DamageReport.submission_id == submission_id)
            )
        if found is None:
            raise
        return found


def list_reports(
    engine: Engine,
    actor: Actor,
    *,
    ward_code: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[DamageReport]:
    """Damage reports in the actor's scope (real or drill data, as the current mode says)."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = (
            select(DamageReport)
            .where(DamageReport.exercise == exercise_now(session))
            .where(DamageReport.ward_code.in_(scope) | DamageReport.reporter_ward_code.in_(scope))
            .order_by(DamageReport.reported_at.desc())
        )
        if ward_code:
            stmt = stmt.where(DamageReport.ward_code == ward_code)
        if since:
            stmt = stmt.where(DamageReport.reported_at >= since)
        if limit:
            stmt = stmt.limit(limit)
        return list(session.scalars(stmt))
