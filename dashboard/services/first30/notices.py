"""What the crisis office (and the mayor, the governor) must see in the first thirty minutes of an
earthquake, in one list for the HQ pages:

- ``withdrawn``: JMA withdrew (取消) a quake's report; what was started stays until a person
  ends it.
- ``declare``: a quake called in a tier and disaster mode is not declared at it: one click
  declares (the click is the human act; nothing declares by itself).
- ``countdown``: a municipality owes its first report (第1報) by 覚知 + 30 minutes; late once
  past it; with 震度5強 or more it also reports directly to 消防庁 (直接即報基準).
- ``feed``: the JMA feed has failed for longer than the alert threshold.
- ``real_in_drill``: a real (通常) quake called staff in while a drill runs; drill views do not
  show real data, so the crisis office is told to end the drill.
- ``drill``: a drill is running (a 訓練 telegram starts one and nothing ends it by itself): how
  long it has run, so that a drill nobody ended does not stay on unnoticed; ``late`` once it has
  run longer than ``DRILL_LONG_AFTER``. Ending it stays a human act.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from dashboard.domain import COMMAND_ROLES, Actor, Level
from dashboard.errors import NotFound
from dashboard.services.areas import area_tree, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.modes import active_declarations, exercise_now
from dashboard.services.modes.drills import active_exercise
from dashboard.services.rollcall import INTENSITIES, feed_health
from dashboard.services.sitreports import FIRST_REPORT_MINUTES
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Disaster, JmaEvent, SituationReport, utcnow
from dashboard.timefmt import local

# A real quake this recent is shown while a drill runs.
REAL_IN_DRILL_WINDOW = timedelta(days=1)
# Intensity from which a municipality reports directly to 消防庁 as well (直接即報基準: 震度5強).
DIRECT_FDMA_FROM = "5+"
# A drill running longer than this is shown as a warning (a drill is a morning's work).
DRILL_LONG_AFTER = timedelta(hours=4)


@dataclass(frozen=True)
class Notice:
    kind: str
    name: str = ""
    event_row: int | None = None
    area_code: str = ""
    area_name: str = ""
    tier: int | None = None
    due: datetime | None = None
    minutes: int = 0
    late: bool = False
    direct_fdma: bool = False
    at: datetime | None = None
    disaster_id: int | None = None


def _strong(value: str | None) -> bool:
    return value in INTENSITIES and INTENSITIES.index(value) >= INTENSITIES.index(DIRECT_FDMA_FROM)


def first30_notices(
    engine: Engine, actor: Actor, *, settings: Settings | None = None, now: datetime | None = None
) -> list[Notice]:
    """The notices of the actor's scope, most urgent first (none for those who do not command)."""
    if actor.role not in COMMAND_ROLES:
        return []
    now = now or utcnow()
    notices: list[Notice] = []
    with reading(engine) as session:
        exercise = exercise_now(session)
        drill = active_exercise(session)
        if drill is not None:
            running = max(now - drill.started_at, timedelta(0))
            notices.append(
                Notice(
                    "drill",
                    drill.name,
                    minutes=int(running.total_seconds() // 60),
                    late=running >= DRILL_LONG_AFTER,
                    at=drill.started_at,
                )
            )
        tree = area_tree(session)
        scope = scope_codes(session, actor)
        declared = {d.scope_code: d.level for d in active_declarations(session, exercise=exercise)}
        events = session.scalars(
            select(JmaEvent).where(JmaEvent.exercise == exercise).order_by(JmaEvent.id)
        ).all()
        by_disaster = {e.disaster_id: e for e in events if e.disaster_id is not None}
        if exercise:
            real = session.scalars(
                select(JmaEvent).where(
                    JmaEvent.exercise.is_(False),
                    JmaEvent.withdrawn_at.is_(None),
                    JmaEvent.known_at >= now - REAL_IN_DRILL_WINDOW,
                )
            ).all()
            notices += [
                Notice("real_in_drill", e.name, e.id, at=e.known_at)
                for e in real
                if any(a in scope for a in e.tiers)
            ]
        for event in events:
            areas = [a for a in {**event.intensities, **event.tiers} if a in scope]
            if not areas:
                continue
            if event.withdrawn_at is not None:
                if event.acknowledged_at is None:
                    notices.append(Notice("withdrawn", event.name, event.id, at=event.withdrawn_at))
                continue
            for area, tier in sorted(event.tiers.items()):
                if area in scope and declared.get(area, 0) < tier:
                    notices.append(
                        Notice(
                            "declare",
                            event.name,
                            event.id,
                            area,
                            tree.name(area, "ja"),
                            tier,
                            disaster_id=event.disaster_id,
                        )
                    )
        disasters = session.scalars(
            select(Disaster).where(
                Disaster.exercise == exercise,
                Disaster.ended_at.is_(None),
                Disaster.known_at.is_not(None),
            )
        ).all()
        for disaster in disasters:
            bodies = [
                code
                for code in tree.subtree(disaster.area_code) | {disaster.area_code}
                if code in scope and tree.levels.get(code) == Level.MUNICIPALITY.value
            ]
            issued = set(
                session.scalars(
                    select(SituationReport.body_code).where(
                        SituationReport.disaster_id == disaster.id
                    )
                )
            )
            event = by_disaster.get(disaster.id)
            for body in sorted(set(bodies) - issued):
                due = disaster.known_at + timedelta(minutes=FIRST_REPORT_MINUTES)
                seconds = (due - now).total_seconds()
                late = seconds <= 0
                minutes = math.ceil(abs(seconds) / 60)
                strong = event is not None and _strong(event.intensities.get(body))
                notices.append(
                    Notice(
                        "countdown",
                        disaster.name,
                        area_code=body,
                        area_name=tree.name(body, "ja"),
                        due=due,
                        minutes=minutes,
                        late=late,
                        direct_fdma=strong,
                        disaster_id=disaster.id,
                    )
                )
    if settings is not None:
        health = feed_health(engine, actor, settings)
        if health is not None and health.alerting:
            notices.append(Notice("feed", at=health.failing_since))
    order = {
        "real_in_drill": 0,
        "withdrawn": 1,
        "feed": 2,
        "declare": 3,
        "countdown": 4,
        "drill": 5,
    }
    return sorted(notices, key=lambda n: (order[n.kind], not n.late, n.due or now))


def acknowledge_withdrawal(engine: Engine, actor: Actor, event_row: int, *, now=None) -> None:
    """The crisis office has seen that JMA withdrew a quake's report (the notice goes away)."""
    require_role(actor, COMMAND_ROLES)
    now = now or utcnow()
    with transaction(engine) as session:
        event = session.get(JmaEvent, event_row)
        if event is None or event.exercise != exercise_now(session):
            raise NotFound()
        if event.acknowledged_at is None:
            event.acknowledged_at = now
            record_audit(
                session,
                actor,
                AuditAction.JMA_EVENT_ACKNOWLEDGED,
                entity="jma_event",
                entity_id=event.id,
                exercise=event.exercise,
                at=now,
            )


def clock(value: datetime) -> str:
    """HH:MM in the deployment's zone."""
    return f"{local(value):%H:%M}"
