"""The situation read from the database: per-ward totals added up in SQL, turned into levels and
silence by :func:`dashboard.services.situation.levels.assess_wards` (the map adds up the same
totals from its cached frames), and the counts of what the system holds for an actor's area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor, Level, ShelterState
from dashboard.services.areas import area_tree, scope_codes
from dashboard.services.modes import active_declarations, exercise_now
from dashboard.services.shelters import latest_status_ids
from dashboard.services.situation.levels import (
    INACTIVE_REVIEW_STATES,
    SERIOUS_SEVERITY,
    WardSituation,
    assess_wards,
)
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading
from dashboard.storage.models import (
    DamageReport,
    Directive,
    DirectiveDelivery,
    Jurisdiction,
    Shelter,
    ShelterStatus,
    utcnow,
)


def _damage_by_ward(session: Session, *, exercise: bool, since: datetime | None):
    serious = case((DamageReport.severity >= SERIOUS_SEVERITY, 1), else_=0)
    stmt = (
        select(
            DamageReport.ward_code,
            DamageReport.severity,
            func.count(),
            func.sum(serious),
            func.sum(DamageReport.dead),
            func.sum(DamageReport.injured),
            func.sum(DamageReport.missing),
            func.sum(DamageReport.trapped),
        )
        .where(DamageReport.exercise == exercise)
        .where(DamageReport.review_state.not_in(INACTIVE_REVIEW_STATES))
        .group_by(DamageReport.ward_code, DamageReport.severity)
    )
    if since is not None:
        stmt = stmt.where(DamageReport.reported_at >= since)
    return session.execute(stmt).all()


def _shelters_by_ward(session: Session, *, exercise: bool):
    latest = latest_status_ids(exercise)
    in_use = ShelterStatus.state.in_((ShelterState.OPEN.value, ShelterState.FULL.value))
    stmt = (
        select(
            Shelter.ward_code,
            func.sum(case((ShelterStatus.state == ShelterState.OPEN.value, 1), else_=0)),
            func.sum(case((ShelterStatus.state == ShelterState.FULL.value, 1), else_=0)),
            func.sum(case((in_use, ShelterStatus.evacuees), else_=0)),
            func.sum(case((in_use, Shelter.capacity), else_=0)),
            func.sum(case((in_use & Shelter.capacity.is_(None), 1), else_=0)),
        )
        .join(latest, latest.c.shelter_id == Shelter.id)
        .join(ShelterStatus, ShelterStatus.id == latest.c.status_id)
        .group_by(Shelter.ward_code)
    )
    return session.execute(stmt).all()


def last_status_by_ward(
    session: Session, *, exercise: bool, as_of: datetime | None = None
) -> dict[str, datetime]:
    """When each ward last reported the status of one of its shelters (by ``as_of``, if given)."""
    stmt = (
        select(Shelter.ward_code, func.max(ShelterStatus.reported_at))
        .join(ShelterStatus, ShelterStatus.shelter_id == Shelter.id)
        .where(ShelterStatus.exercise == exercise)
        .group_by(Shelter.ward_code)
    )
    if as_of is not None:
        stmt = stmt.where(ShelterStatus.reported_at <= as_of)
    return {code: at for code, at in session.execute(stmt) if code and at}


def last_answer_by_ward(
    session: Session, *, exercise: bool, as_of: datetime | None = None
) -> dict[str, datetime]:
    """When each ward (or municipality) last acknowledged or answered a directive (by
    ``as_of``, if given: an answer given later leaves the acknowledgement before it)."""
    answered, acknowledged = DirectiveDelivery.answered_at, DirectiveDelivery.acknowledged_at
    if as_of is None:
        last = func.coalesce(answered, acknowledged)
    else:
        last = case(
            (answered <= as_of, answered), (acknowledged <= as_of, acknowledged), else_=None
        )
    rows = session.execute(
        select(DirectiveDelivery.jurisdiction_code, func.max(last))
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .where(Directive.exercise == exercise)
        .group_by(DirectiveDelivery.jurisdiction_code)
    )
    return {code: at for code, at in rows if code and at}


def last_activity_by_ward(session: Session, *, exercise: bool) -> dict[str, datetime]:
    """When each ward last sent anything: a shelter status, a damage report, an acknowledgement
    or an answer to a directive."""
    reports = session.execute(
        select(DamageReport.reporter_ward_code, func.max(DamageReport.reported_at))
        .where(DamageReport.exercise == exercise)
        .group_by(DamageReport.reporter_ward_code)
    )
    latest: dict[str, datetime] = {}
    for source in (
        last_status_by_ward(session, exercise=exercise).items(),
        reports,
        last_answer_by_ward(session, exercise=exercise).items(),
    ):
        for code, at in source:
            if code and at and (code not in latest or at > latest[code]):
                latest[code] = at
    return latest


def ward_situations(
    engine: Engine,
    actor: Actor,
    *,
    now: datetime | None = None,
    since: datetime | None = None,
    settings: Settings | None = None,
) -> dict[str, WardSituation]:
    """The situation of every ward (and ward-less municipality) in the actor's scope, by code.

    ``since`` limits damage to reports from that time on (the map's time window).
    """
    settings = settings or get_settings()
    now = now or utcnow()
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        tree = area_tree(session)
        exercise = exercise_now(session)
        return assess_wards(
            tree,
            [code for code in tree.leaves() if code in scope],
            damage=_damage_by_ward(session, exercise=exercise, since=since),
            shelters=_shelters_by_ward(session, exercise=exercise),
            last_activity=last_activity_by_ward(session, exercise=exercise),
            declarations=active_declarations(session, exercise=exercise),
            now=now,
            silent_after=timedelta(minutes=settings.silent_after_minutes),
        )


@dataclass(frozen=True)
class ScopeCounts:
    """How much the system holds for an actor's area (the home page's line)."""

    areas: int
    shelters: int
    reports: int


def scope_counts(engine: Engine, actor: Actor) -> ScopeCounts:
    """Jurisdictions, active shelters and damage reports of the current mode in the actor's
    scope: the lengths of ``areas.list_areas``, ``shelters.list_shelters`` and
    ``damage.list_reports``, counted by the database."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        exercise = exercise_now(session)
        shelters = select(func.count(Shelter.id)).where(
            Shelter.active.is_(True), Shelter.ward_code.in_(scope)
        )
        if not exercise:  # ad-hoc shelters opened during a drill exist only in the drill
            shelters = shelters.where(Shelter.exercise.is_(False))
        reports = select(func.count(DamageReport.id)).where(
            DamageReport.exercise == exercise,
            DamageReport.ward_code.in_(scope) | DamageReport.reporter_ward_code.in_(scope),
        )
        # Areas on the map: wards, and municipalities without wards; never the city, the
        # prefecture or the departments (部局).
        parents = select(Jurisdiction.parent_code).where(
            Jurisdiction.level == Level.WARD.value, Jurisdiction.parent_code.is_not(None)
        )
        areas = select(func.count(Jurisdiction.code)).where(
            Jurisdiction.code.in_(scope),
            Jurisdiction.level.in_([Level.WARD.value, Level.MUNICIPALITY.value]),
            Jurisdiction.code.not_in(parents),
        )
        return ScopeCounts(
            areas=session.scalar(areas),
            shelters=session.scalar(shelters),
            reports=session.scalar(reports),
        )
