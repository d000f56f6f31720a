"""Reading damage reports: lists with names and photo counts, one report with its possible
duplicates (same category, close in space and time)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, aliased

import geo
from dashboard.domain import Actor, ReviewState
from dashboard.errors import NotFound
from dashboard.services.areas import scope_codes
from dashboard.services.modes import exercise_now
from dashboard.storage.db import reading
from dashboard.storage.models import DamagePhoto, DamageReport, User

# Two reports of one category this close in space and time are possibly the same damage.
DUPLICATE_RADIUS_M = 100.0
DUPLICATE_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class ReportView:
    """A damage report as lists and the review screen show it."""

    id: int
    lat: float
    lon: float
    ward_code: str | None
    reporter_ward_code: str | None
    outside_reporter_ward: bool
    location_text: str | None
    category: str
    severity: int
    dead: int
    injured: int
    missing: int
    trapped: int
    description: str | None
    review_state: str
    duplicate_of_id: int | None
    reported_at: datetime
    reported_by: str | None
    reviewed_at: datetime | None
    reviewed_by: str | None
    photo_count: int


@dataclass(frozen=True)
class PhotoView:
    id: int
    content_type: str
    thumbnail: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ReportDetail:
    report: ReportView
    photos: tuple[PhotoView, ...]
    possible_duplicates: tuple[ReportView, ...]


def _scoped(stmt, scope: frozenset[str]):
    return stmt.where(
        DamageReport.ward_code.in_(scope) | DamageReport.reporter_ward_code.in_(scope)
    )


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
        stmt = _scoped(
            select(DamageReport).where(DamageReport.exercise == exercise_now(session)), scope
        ).order_by(DamageReport.reported_at.desc())
        if ward_code:
            stmt = stmt.where(DamageReport.ward_code == ward_code)
        if since:
            stmt = stmt.where(DamageReport.reported_at >= since)
        if limit:
            stmt = stmt.limit(limit)
        return list(session.scalars(stmt))


def _views_query():
    reporter, reviewer = aliased(User), aliased(User)
    photo_counts = (
        select(DamagePhoto.report_id, func.count().label("n"))
        .group_by(DamagePhoto.report_id)
        .subquery()
    )
    return (
        select(
            DamageReport,
            reporter.display_name,
            reviewer.display_name,
            func.coalesce(photo_counts.c.n, 0),
        )
        .outerjoin(reporter, reporter.id == DamageReport.reported_by_id)
        .outerjoin(reviewer, reviewer.id == DamageReport.reviewed_by_id)
        .outerjoin(photo_counts, photo_counts.c.report_id == DamageReport.id)
    )


def _report_view(row) -> ReportView:
    report, reporter, reviewer, photo_count = row
    return ReportView(
        id=report.id,
        lat=report.lat,
        lon=report.lon,
        ward_code=report.ward_code,
        reporter_ward_code=report.reporter_ward_code,
        outside_reporter_ward=report.outside_reporter_ward,
        location_text=report.location_text,
        category=report.category,
        severity=report.severity,
        dead=report.dead,
        injured=report.injured,
        missing=report.missing,
        trapped=report.trapped,
        description=report.description,
        review_state=report.review_state,
        duplicate_of_id=report.duplicate_of_id,
        reported_at=report.reported_at,
        reported_by=reporter,
        reviewed_at=report.reviewed_at,
        reviewed_by=reviewer,
        photo_count=int(photo_count),
    )


def list_report_views(
    engine: Engine,
    actor: Actor,
    *,
    review_states: Collection[str] | None = None,
    ward_code: str | None = None,
    limit: int = 100,
) -> list[ReportView]:
    """The newest reports of the actor's scope with reporter names and photo counts."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = _scoped(_views_query().where(DamageReport.exercise == exercise_now(session)), scope)
        if review_states:
            stmt = stmt.where(DamageReport.review_state.in_(list(review_states)))
        if ward_code:
            stmt = stmt.where(DamageReport.ward_code == ward_code)
        stmt = stmt.order_by(DamageReport.reported_at.desc(), DamageReport.id.desc()).limit(limit)
        return [_report_view(row) for row in session.execute(stmt)]


def count_report_views(
    engine: Engine,
    actor: Actor,
    *,
    review_states: Collection[str] | None = None,
    ward_code: str | None = None,
) -> int:
    """How many reports ``list_report_views`` would list without its limit (one COUNT)."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = _scoped(
            select(func.count(DamageReport.id)).where(
                DamageReport.exercise == exercise_now(session)
            ),
            scope,
        )
        if review_states:
            stmt = stmt.where(DamageReport.review_state.in_(list(review_states)))
        if ward_code:
            stmt = stmt.where(DamageReport.ward_code == ward_code)
        return session.scalar(stmt) or 0


def report_in_scope(
    session: Session, actor: Actor, report_id: int, *, lock: bool = False
) -> DamageReport:
    """The report if the actor may see it (``NotFound`` otherwise); ``lock`` holds its row until
    the transaction ends, for a write that depends on its current state."""
    report = session.get(DamageReport, report_id, with_for_update=lock or None)
    if report is None or report.exercise != exercise_now(session):
        raise NotFound()
    scope = scope_codes(session, actor)
    if report.ward_code not in scope and report.reporter_ward_code not in scope:
        raise NotFound()
    return report


def _possible_duplicates(session: Session, report: DamageReport, scope: frozenset[str]) -> list:
    """Rows of other reports of the same category within DUPLICATE_RADIUS_M and _WINDOW."""
    stmt = _scoped(
        _views_query().where(
            DamageReport.id != report.id,
            DamageReport.exercise == report.exercise,
            DamageReport.category == report.category,
            DamageReport.review_state != ReviewState.DUPLICATE.value,
            DamageReport.reported_at.between(
                report.reported_at - DUPLICATE_WINDOW, report.reported_at + DUPLICATE_WINDOW
            ),
        ),
        scope,
    ).order_by(DamageReport.reported_at)
    rows = session.execute(stmt).all()
    if not rows:
        return []
    lats = np.array([row[0].lat for row in rows])
    lons = np.array([row[0].lon for row in rows])
    near = geo.points_within_m(report.lat, report.lon, lats, lons, DUPLICATE_RADIUS_M)
    return [row for row, close in zip(rows, near, strict=True) if close]


def get_report(engine: Engine, actor: Actor, report_id: int) -> ReportDetail:
    """One report of the actor's scope with photo thumbnails and possible duplicates."""
    with reading(engine) as session:
        report = report_in_scope(session, actor, report_id)
        [row] = session.execute(_views_query().where(DamageReport.id == report.id)).all()
        photos = session.scalars(
            select(DamagePhoto).where(DamagePhoto.report_id == report.id).order_by(DamagePhoto.id)
        )
        duplicates = _possible_duplicates(session, report, scope_codes(session, actor))
        return ReportDetail(
            report=_report_view(row),
            photos=tuple(
                PhotoView(p.id, p.content_type, p.thumbnail, p.width, p.height) for p in photos
            ),
            possible_duplicates=tuple(_report_view(r) for r in duplicates),
        )
