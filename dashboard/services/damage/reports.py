"""Damage reports: submitted by wards, reviewed by crisis management.

A report is stored once per submission id, together with its photos (re-encoded without location
metadata) in the same transaction. Crisis management confirms, resolves or marks a report as a
duplicate of another; possible duplicates (same category, close in space and time) are suggested.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

import geo
from dashboard.domain import CASUALTY_FIELDS, DAMAGE_CATEGORIES, SEVERITIES, Actor, ReviewState
from dashboard.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from dashboard.services.areas import (
    require_command,
    require_in_scope,
    require_reporter,
    scope_codes,
    ward_at,
)
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.damage.photos import (
    PhotoError,
    ProcessedPhoto,
    check_photo_count,
    process_photo,
)
from dashboard.services.inputs import (
    InputError,
    check_text,
    parse_coordinates,
    parse_fields,
    parse_int,
)
from dashboard.services.modes import exercise_now
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import DamagePhoto, DamageReport, Jurisdiction, User, utcnow

# Casualty counts a report carries, in the order the form shows them.
COUNT_FIELDS = CASUALTY_FIELDS
# Largest count accepted in one field (a typo guard).
MAX_COUNT = 100_000
# Length limits of free text, in characters.
DESCRIPTION_MAX_LEN = 2000
LOCATION_TEXT_MAX_LEN = 300
# Longest submission id a caller may send (the column holds 64).
SUBMISSION_MAX_LEN = 64
# Two reports of one category this close in space and time are possibly the same damage.
DUPLICATE_RADIUS_M = 100.0
DUPLICATE_WINDOW = timedelta(minutes=30)


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


@dataclass(frozen=True)
class ReviewAction:
    """What a reviewer's button does to a report."""

    state: ReviewState
    needs_target: bool = False


# Review actions by name; the page shows one button each ("review.action.<name>").
REVIEW_ACTIONS: dict[str, ReviewAction] = {
    "confirm": ReviewAction(ReviewState.CONFIRMED),
    "resolve": ReviewAction(ReviewState.RESOLVED),
    "duplicate": ReviewAction(ReviewState.DUPLICATE, needs_target=True),
    "reopen": ReviewAction(ReviewState.NEW),
}


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


def draft_from_form(
    *,
    coordinates: str | None,
    category: str | None,
    severity: int | str | None,
    counts: Mapping[str, str | None],
    description: str | None = None,
    location_text: str | None = None,
) -> ReportDraft:
    """Build a draft from what was typed; every bad field is named in one ``ValidationFailed``.

    Counts accept full-width digits and an empty field as 0; coordinates as
    ``inputs.parse_coordinates`` reads them.
    """

    def count(text: str | None) -> int:
        return parse_int(text, minimum=0, maximum=MAX_COUNT) if text and text.strip() else 0

    raw = {"coordinates": coordinates, "description": description, "location": location_text}
    raw.update(counts)
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        values = parse_fields(
            raw,
            {
                "coordinates": parse_coordinates,
                **dict.fromkeys(COUNT_FIELDS, count),
                "description": lambda s: check_text(s, max_len=DESCRIPTION_MAX_LEN),
                "location": lambda s: check_text(s, max_len=LOCATION_TEXT_MAX_LEN),
            },
        )
    except ValidationFailed as exc:
        problems.update(exc.fields)
        values = {}
    if category not in DAMAGE_CATEGORIES:
        problems["category"] = ("damage.category_invalid", {})
    if severity is None or str(severity) not in {str(s) for s in SEVERITIES}:
        problems["severity"] = ("damage.severity_invalid", {})
    if problems:
        raise ValidationFailed(problems)
    lat, lon = values["coordinates"]
    return ReportDraft(
        lat=lat,
        lon=lon,
        category=category,
        severity=int(severity),
        description=values["description"] or None,
        location_text=values["location"] or None,
        **{name: values[name] for name in COUNT_FIELDS},
    )


def _validate(draft: ReportDraft) -> ReportDraft:
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    if not -90 <= draft.lat <= 90:
        problems["lat"] = ("input.lat_range", {"minimum": -90, "maximum": 90})
    if not -180 <= draft.lon <= 180:
        problems["lon"] = ("input.lon_range", {"minimum": -180, "maximum": 180})
    if draft.category not in DAMAGE_CATEGORIES:
        problems["category"] = ("damage.category_invalid", {})
    if draft.severity not in SEVERITIES:
        problems["severity"] = ("damage.severity_invalid", {})
    for field in COUNT_FIELDS:
        value = getattr(draft, field)
        if value < 0:
            problems[field] = ("input.too_small", {"minimum": 0})
        elif value > MAX_COUNT:
            problems[field] = ("input.too_large", {"maximum": MAX_COUNT})
    texts = {}
    for field, max_len in (
        ("description", DESCRIPTION_MAX_LEN),
        ("location_text", LOCATION_TEXT_MAX_LEN),
    ):
        try:
            texts[field] = check_text(getattr(draft, field), max_len=max_len) or None
        except InputError as exc:
            problems["location" if field == "location_text" else field] = (exc.key, exc.params)
    if problems:
        raise ValidationFailed(problems)
    return ReportDraft(**{**_draft_values(draft), **texts})


def _draft_values(draft: ReportDraft) -> dict:
    return {f.name: getattr(draft, f.name) for f in fields(draft)}


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
    draft = _validate(draft)
    cleaned = _process_photos(photos)
    try:
        with transaction(engine) as session:
            existing = session.scalar(
                select(DamageReport.id).where(DamageReport.submission_id == submission_id)
            )
            if existing is not None:
                return existing
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
                **_draft_values(draft),
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
    except IntegrityError:
        with reading(engine) as session:
            found = session.scalar(
                select(DamageReport.id).where(DamageReport.submission_id == submission_id)
            )
        if found is None:
            raise
        return found


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


def _report_in_scope(session: Session, actor: Actor, report_id: int) -> DamageReport:
    report = session.get(DamageReport, report_id)
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
        report = _report_in_scope(session, actor, report_id)
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


def photo_data(engine: Engine, actor: Actor, photo_id: int) -> tuple[str, bytes]:
    """The stored (metadata-free) image of a photo: content type and bytes."""
    with reading(engine) as session:
        photo = session.get(DamagePhoto, photo_id)
        if photo is None:
            raise NotFound()
        _report_in_scope(session, actor, photo.report_id)
        return photo.content_type, photo.data


def review_report(
    engine: Engine,
    actor: Actor,
    report_id: int,
    *,
    action: str,
    duplicate_of: int | None = None,
) -> str:
    """Apply a review action (``REVIEW_ACTIONS``) as crisis management; returns the new state.

    A duplicate points at the original report (following a chain of duplicates to its start).
    """
    require_command(actor)
    spec = REVIEW_ACTIONS.get(action)
    if spec is None:
        raise ServiceError("review.action_invalid")
    if spec.needs_target and duplicate_of is None:
        raise ValidationFailed({"duplicate_of": ("review.duplicate_required", {})})
    with transaction(engine) as session:
        report = _report_in_scope(session, actor, report_id)
        require_in_scope(session, actor, [report.ward_code or report.reporter_ward_code])
        target_id = None
        if spec.needs_target:
            target = _report_in_scope(session, actor, duplicate_of)
            seen = {report.id}
            while target.duplicate_of_id is not None and target.id not in seen:
                seen.add(target.id)
                target = _report_in_scope(session, actor, target.duplicate_of_id)
            if target.id in seen:
                raise ValidationFailed({"duplicate_of": ("review.duplicate_self", {})})
            target_id = target.id
        previous = report.review_state
        report.review_state = spec.state.value
        report.duplicate_of_id = target_id
        report.reviewed_by_id = actor.user_id
        report.reviewed_at = utcnow()
        record_audit(
            session,
            actor,
            AuditAction.DAMAGE_REPORT_REVIEWED,
            entity="damage_report",
            entity_id=report.id,
            exercise=report.exercise,
            detail={"action": action, "from": previous, "to": spec.state.value, "of": target_id},
        )
        return spec.state.value
