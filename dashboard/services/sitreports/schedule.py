"""When reports are due: the prefecture's reporting times (every N hours from the disaster's
start, and/or fixed clock times each day in the deployment's zone), the next time a body owes a
report, and who is late.

A body's next report is due at the first reporting time after its latest issued report (or after
the disaster's start, when it has issued none); it is late once that time has passed. A disaster
with a 覚知 time (an earthquake opened from JMA's first telegram) owes its first report (第1報,
概況即報) ``FIRST_REPORT_MINUTES`` after 覚知, whatever the prefecture's reporting times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Engine, select

from dashboard.domain import COMMAND_ROLES, Actor, Level
from dashboard.errors import PermissionDenied
from dashboard.services.areas import area_tree, require_role, scope_codes
from dashboard.services.modes import DisasterView, get_disaster, list_disasters
from dashboard.storage.db import reading
from dashboard.storage.models import SituationReport, utcnow
from dashboard.timefmt import local

# The first report (第1報) is due this long after 覚知 (消防庁 火災・災害等即報要領: 30 minutes).
FIRST_REPORT_MINUTES = 30


def first_report_due(disaster: DisasterView) -> datetime | None:
    """When the first report is due: 30 minutes after 覚知; None when the disaster has none."""
    if disaster.known_at is None:
        return None
    return disaster.known_at + timedelta(minutes=FIRST_REPORT_MINUTES)


@dataclass(frozen=True)
class BodyStatus:
    """One municipality on the governor's table."""

    code: str
    name: str
    latest_number: int | None
    latest_id: int | None
    latest_issued_at: datetime | None
    next_due: datetime | None
    late: bool


def next_due(disaster: DisasterView, after: datetime | None) -> datetime | None:
    """The first reporting time strictly after ``after`` (default: the disaster's start);
    None when the prefecture set no reporting times."""
    if after is None and disaster.known_at is not None:
        return first_report_due(disaster)
    start = disaster.started_at
    after = max(after or start, start)
    candidates = []
    if disaster.report_every_hours:
        step = timedelta(hours=disaster.report_every_hours)
        periods = int((after - start) / step) + 1
        candidates.append(start + periods * step)
    if disaster.report_times:
        zone = local(after).tzinfo
        day = local(after).date()
        for offset in range(2):
            for text in disaster.report_times:
                hour, minute = (int(p) for p in text.split(":"))
                at = datetime.combine(day + timedelta(days=offset), time(hour, minute), zone)
                if at > after:
                    candidates.append(at)
    due = min(candidates, default=None)
    if due is not None and disaster.ended_at is not None and due > disaster.ended_at:
        return None
    return due


def reporting_status(
    engine: Engine, actor: Actor, disaster_id: int, *, now: datetime | None = None
) -> list[BodyStatus]:
    """Every municipality of the actor's prefecture (or the actor's own municipality) with its
    latest 第N報, when it was issued, when the next is due and whether it is late."""
    require_role(actor, COMMAND_ROLES)
    now = now or utcnow()
    with reading(engine) as session:
        disaster = get_disaster(session, actor, disaster_id)
        tree = area_tree(session)
        scope = scope_codes(session, actor)
        bodies = sorted(
            code
            for code in scope
            if tree.levels.get(code) == Level.MUNICIPALITY.value
            and code in tree.subtree(disaster.area_code) | set(tree.ancestors(disaster.area_code))
        )
        if not bodies:
            raise PermissionDenied()
        latest: dict[str, SituationReport] = {}
        for row in session.scalars(
            select(SituationReport)
            .where(
                SituationReport.disaster_id == disaster.id,
                SituationReport.body_code.in_(bodies),
            )
            .order_by(SituationReport.number)
        ):
            latest[row.body_code] = row
    result = []
    for code in bodies:
        row = latest.get(code)
        due = next_due(disaster, row.issued_at if row else None)
        result.append(
            BodyStatus(
                code,
                tree.name(code, "ja"),
                row.number if row else None,
                row.id if row else None,
                row.issued_at if row else None,
                due,
                due is not None and due <= now,
            )
        )
    return result


@dataclass(frozen=True)
class LateReport:
    disaster_name: str
    body_name: str
    due: datetime
    # The municipality (for the governor's map) and the number of the report it owes.
    body_code: str = ""
    number: int = 1


def late_reports(engine: Engine, actor: Actor, *, now: datetime | None = None) -> list[LateReport]:
    """Every body of the actor's scope that is late with its report, over the current mode's
    disasters (nothing for users who do not command: they owe no report)."""
    if actor.role not in COMMAND_ROLES:
        return []
    now = now or utcnow()
    late = []
    for disaster in list_disasters(engine, actor):
        if disaster.ended_at is not None:
            continue
        try:
            statuses = reporting_status(engine, actor, disaster.id, now=now)
        except PermissionDenied:
            continue
        late += [
            LateReport(disaster.name, s.name, s.next_due, s.code, (s.latest_number or 0) + 1)
            for s in statuses
            if s.late
        ]
    return late


def first_reports_owed(
    engine: Engine, actor: Actor, *, now: datetime | None = None
) -> dict[str, datetime]:
    """Municipality code -> when its first report (第1報) is due, for every municipality of the
    actor's scope that owes one after an earthquake's 覚知 and is not late yet (the governor's
    map counts down to it; once late, :func:`late_reports` has it)."""
    if actor.role not in COMMAND_ROLES:
        return {}
    now = now or utcnow()
    owed: dict[str, datetime] = {}
    for disaster in list_disasters(engine, actor):
        if disaster.ended_at is not None or disaster.known_at is None:
            continue
        try:
            statuses = reporting_status(engine, actor, disaster.id, now=now)
        except PermissionDenied:
            continue
        for s in statuses:
            if s.latest_number is None and s.next_due is not None and not s.late:
                owed[s.code] = min(s.next_due, owed.get(s.code, s.next_due))
    return owed
