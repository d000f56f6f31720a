"""The situation of each ward at a glance: a level 0–4 and whether the ward has gone silent.

The level combines damage (severity, how many serious reports, casualties, people trapped) and
shelter pressure (occupancy of the ward's open shelters). Rules are plain functions so that the
crisis-management office can read — and tests can pin — exactly when a ward turns red.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor, Level, ReviewState, ShelterState
from dashboard.services.areas import scope_codes
from dashboard.services.modes import active_declarations, exercise_now
from dashboard.services.shelters import latest_status_ids
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

# Highest level: lives at risk somewhere in the ward.
MAX_LEVEL = 4
# Severity from which a report counts as serious.
SERIOUS_SEVERITY = 3
# This many serious reports in one ward raise its level by one (damage is widespread).
WIDESPREAD_SERIOUS_REPORTS = 3
# Injured people from which a ward is at least level 3.
MANY_INJURED = 10
# Occupancy of open shelters from which a ward is at least level 2, and at least level 3.
SHELTERS_NEARLY_FULL = 0.8
SHELTERS_FULL = 1.0
# Reports that no longer describe a live problem.
INACTIVE_REVIEW_STATES = (ReviewState.RESOLVED.value, ReviewState.DUPLICATE.value)


@dataclass(frozen=True)
class WardSituation:
    code: str
    parent_code: str | None
    name_ja: str
    name_en: str | None
    level: int = 0
    silent: bool = False
    reports: int = 0
    by_severity: dict[int, int] = field(default_factory=dict)
    dead: int = 0
    injured: int = 0
    missing: int = 0
    trapped: int = 0
    open_shelters: int = 0
    full_shelters: int = 0
    evacuees: int = 0
    capacity: int = 0
    # Open or full shelters whose capacity is unknown: the occupancy is then unknown too.
    capacity_unknown: int = 0
    last_report_at: datetime | None = None

    @property
    def occupancy(self) -> float | None:
        """Evacuees over the capacity of the ward's open and full shelters."""
        if self.capacity_unknown:
            return None
        return self.evacuees / self.capacity if self.capacity else None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_ja


def situation_level(
    *,
    max_severity: int,
    serious_reports: int,
    dead: int,
    injured: int,
    trapped: int,
    occupancy: float | None,
    open_shelters: int,
) -> int:
    """The ward's level from 0 (nothing reported) to 4 (lives at risk).

    - damage: the highest severity of its active reports, one more when serious damage is
      widespread (``WIDESPREAD_SERIOUS_REPORTS`` reports of severity 3 or 4);
    - casualties: anyone dead or trapped makes it 4; many injured at least 3;
    - shelters: open shelters make it at least 1, nearly full at least 2, full at least 3.
    """
    level = max_severity
    if serious_reports >= WIDESPREAD_SERIOUS_REPORTS:
        level += 1
    if dead or trapped:
        level = MAX_LEVEL
    if injured >= MANY_INJURED:
        level = max(level, 3)
    if open_shelters:
        level = max(level, 1)
    if occupancy is not None and occupancy >= SHELTERS_FULL:
        level = max(level, 3)
    elif occupancy is not None and occupancy >= SHELTERS_NEARLY_FULL:
        level = max(level, 2)
    return min(level, MAX_LEVEL)


def is_silent(
    *,
    last_activity: datetime | None,
    declared_at: datetime | None,
    now: datetime,
    silent_after: timedelta,
) -> bool:
    """Silent: disaster mode is on and the ward has sent nothing for ``silent_after``.

    The clock starts at the declaration, so a ward is not silent in its first minutes.
    """
    if declared_at is None:
        return False
    since = max(last_activity, declared_at) if last_activity else declared_at
    return now - since > silent_after


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


def last_status_by_ward(session: Session, *, exercise: bool) -> dict[str, datetime]:
    """When each ward last reported the status of one of its shelters."""
    rows = session.execute(
        select(Shelter.ward_code, func.max(ShelterStatus.reported_at))
        .join(ShelterStatus, ShelterStatus.shelter_id == Shelter.id)
        .where(ShelterStatus.exercise == exercise)
        .group_by(Shelter.ward_code)
    )
    return {code: at for code, at in rows if code and at}


def last_answer_by_ward(session: Session, *, exercise: bool) -> dict[str, datetime]:
    """When each ward (or municipality) last acknowledged or answered a directive."""
    rows = session.execute(
        select(
            DirectiveDelivery.jurisdiction_code,
            func.max(
                func.coalesce(DirectiveDelivery.answered_at, DirectiveDelivery.acknowledged_at)
            ),
        )
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
        exercise = exercise_now(session)
        areas = session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(scope))).all()
        parents = {a.parent_code for a in areas}
        leaves = [a for a in areas if a.level != Level.PREFECTURE and a.code not in parents]
        damage: dict[str, dict] = {}
        for code, severity, count, serious, dead, injured, missing, trapped in _damage_by_ward(
            session, exercise=exercise, since=since
        ):
            d = damage.setdefault(
                code,
                {
                    "by_severity": {},
                    "serious": 0,
                    "dead": 0,
                    "injured": 0,
                    "missing": 0,
                    "trapped": 0,
                },
            )
            d["by_severity"][severity] = count
            for key, value in (
                ("serious", serious),
                ("dead", dead),
                ("injured", injured),
                ("missing", missing),
                ("trapped", trapped),
            ):
                d[key] += int(value or 0)
        shelters = {row[0]: row[1:] for row in _shelters_by_ward(session, exercise=exercise)}
        activity = last_activity_by_ward(session, exercise=exercise)
        declarations = active_declarations(session, exercise=exercise)
        parent_of = {a.code: a.parent_code for a in areas}
        result = {}
        for area in leaves:
            d = damage.get(
                area.code,
                {
                    "by_severity": {},
                    "serious": 0,
                    "dead": 0,
                    "injured": 0,
                    "missing": 0,
                    "trapped": 0,
                },
            )
            open_, full, evacuees, capacity, unknown = (
                int(v or 0) for v in shelters.get(area.code, (0, 0, 0, 0, 0))
            )
            chain = {area.code, area.parent_code, parent_of.get(area.parent_code)}
            declaration = next((x for x in declarations if x.scope_code in chain), None)
            situation = WardSituation(
                code=area.code,
                parent_code=area.parent_code,
                name_ja=area.name_ja,
                name_en=area.name_en,
                reports=sum(d["by_severity"].values()),
                by_severity=dict(d["by_severity"]),
                dead=d["dead"],
                injured=d["injured"],
                missing=d["missing"],
                trapped=d["trapped"],
                open_shelters=open_,
                full_shelters=full,
                evacuees=evacuees,
                capacity=capacity,
                capacity_unknown=unknown,
                last_report_at=activity.get(area.code),
            )
            level = situation_level(
                max_severity=max(d["by_severity"], default=0),
                serious_reports=d["serious"],
                dead=d["dead"],
                injured=d["injured"],
                trapped=d["trapped"],
                occupancy=situation.occupancy,
                open_shelters=open_ + full,
            )
            silent = is_silent(
                last_activity=situation.last_report_at,
                declared_at=declaration.declared_at if declaration else None,
                now=now,
                silent_after=timedelta(minutes=settings.silent_after_minutes),
            )
            result[area.code] = replace(situation, level=level, silent=silent)
        return result
