"""What a JMA earthquake telegram does, by its ``Control/Status`` and ``Head/InfoType``.

- 試験 (test): a log line and an audit entry, nothing else.
- 訓練 (JMA's drill): only when the install takes part (``jma_accept_drills``); then a drill is
  started if none runs (its banner shows on every page) and everything is exercise data, never a
  real roll-call. Otherwise logged and audited as ignored.
- 通常: the real path, even while a drill runs.

``InfoType`` 発表 and 訂正 update the earthquake's event (one per ``EventID``): the latest report's
intensities replace the earlier ones (訂正 replaces the report it corrects), and per area the tier
the intensity calls for is compared with the tier already called in: only the additional tiers are
asked. 5弱 or more in an area opens (or joins) the earthquake's disaster record, named as JMA names
the quake, with 覚知 = the first telegram's arrival. 取消 withdraws the event: the crisis office
is told on the HQ pages and decides; a roll-call already sent is not ended by the machine.

Where a telegram names municipalities (``City``, 震源・震度に関する情報) they decide; 震度速報 names
only 細分区域, turned into municipalities by JMA's code table (``jma_areas``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import SYSTEM
from dashboard.i18n import translate
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.modes.disasters import open_quake_disaster
from dashboard.services.modes.drills import active_exercise
from dashboard.services.rollcall.calls import begin_rollcall, scope_codes_under
from dashboard.services.rollcall.jma_areas import seismic_area_of
from dashboard.services.rollcall.jma_telegram import (
    INTENSITIES,
    Telegram,
    stronger,
)
from dashboard.services.rollcall.triggers import INTENSITY_TIERS
from dashboard.storage.db import transaction
from dashboard.storage.models import Exercise, JmaEvent, Jurisdiction
from dashboard.timefmt import local

logger = logging.getLogger(__name__)

# Submission-id prefix of the roll-calls a JMA event starts (event row, area, tier).
JMA_PREFIX = "jma-event:"
# Name of the drill a 訓練 telegram starts when none runs.
DRILL_NAME = "気象庁訓練報"


@dataclass(frozen=True)
class Outcome:
    """What one telegram did: "test", "ignored", "withdrawn", "stale" or "acted"."""

    action: str
    event_row: int | None = None
    intensities: dict[str, str | None] | None = None
    # Roll-call started per area by this telegram.
    started: dict[str, int] | None = None
    disaster_id: int | None = None
    exercise: bool = False


def quake_name(telegram: Telegram, max_int: str | None) -> str:
    """As JMA names it: 「12月8日07時58分 大阪府北部の地震（最大震度6弱）」."""
    when = local(telegram.origin_at or telegram.report_at)
    place = telegram.hypocenter
    if not place and telegram.areas:
        place = telegram.area_names.get(max(telegram.areas, key=lambda c: _rank(telegram.areas[c])))
    label = "-"
    if max_int:
        label = translate(f"rollcall.intensity.{max_int}", "ja").removeprefix("震度")
    return f"{when.month}月{when.day}日{when:%H時%M分} {place or ''}の地震（最大震度{label}）"


def _rank(value: str | None) -> int:
    return INTENSITIES.index(value) if value in INTENSITIES else -1


def intensity_in(session: Session, telegram: Telegram, area_code: str) -> str | None:
    """The strongest intensity the telegram gives inside an area of the install (the area and
    every jurisdiction below it): by municipality where it names them, else by 細分区域."""
    found = None
    for code in scope_codes_under(session, area_code):
        if telegram.has_cities:
            value = telegram.cities.get(code[:5] + "00")
        else:
            region = seismic_area_of(code)
            value = telegram.areas.get(region) if region else None
        found = stronger(found, value)
    return found


def handle_telegram(
    engine: Engine,
    telegram: Telegram,
    *,
    areas: list[str],
    accept_drills: bool,
    lang: str,
    now: datetime,
) -> Outcome:
    """Act on one parsed telegram for the install's ``areas`` (see the module docstring)."""
    detail = {"event": telegram.event_id, "title": telegram.title, "type": telegram.info_type}
    if telegram.status == "試験":
        logger.info("JMA test telegram %s: nothing done", telegram.event_id)
        with transaction(engine) as session:
            record_audit(session, SYSTEM, AuditAction.JMA_TELEGRAM_TEST, detail=detail, at=now)
        return Outcome("test")
    exercise = telegram.status == "訓練"
    if exercise and not accept_drills:
        logger.info("JMA drill telegram %s ignored (drills not accepted)", telegram.event_id)
        with transaction(engine) as session:
            record_audit(session, SYSTEM, AuditAction.JMA_TELEGRAM_IGNORED, detail=detail, at=now)
        return Outcome("ignored", exercise=True)
    with transaction(engine) as session:
        event = session.scalars(
            select(JmaEvent).where(
                JmaEvent.event_id == telegram.event_id, JmaEvent.exercise == exercise
            )
        ).first()
        if telegram.info_type == "取消":
            return _withdraw(session, event, telegram, detail, exercise, now)
        if exercise and active_exercise(session) is None:
            _start_drill(session, now)
        return _update(session, event, telegram, areas, exercise, lang, now)


def _withdraw(session, event, telegram, detail, exercise, now) -> Outcome:
    if event is not None and event.withdrawn_at is None:
        event.withdrawn_at, event.updated_at = now, now
    record_audit(
        session,
        SYSTEM,
        AuditAction.JMA_EVENT_WITHDRAWN,
        entity="jma_event",
        entity_id=event.id if event else None,
        detail=detail,
        exercise=exercise,
        at=now,
    )
    logger.warning("JMA withdrew %s (%s)", telegram.title, telegram.event_id)
    return Outcome("withdrawn", event.id if event else None, exercise=exercise)


def _start_drill(session: Session, now: datetime) -> None:
    drill = Exercise(name=DRILL_NAME, started_by_id=None, started_at=now)
    session.add(drill)
    session.flush()
    record_audit(
        session, SYSTEM, AuditAction.DRILL_STARTED, entity="exercise", entity_id=drill.id, at=now
    )


def _update(session, event, telegram, areas, exercise, lang, now) -> Outcome:
    if event is not None and event.withdrawn_at is not None:
        return Outcome("withdrawn", event.id, exercise=exercise)  # nothing new after 取消
    if (
        event is not None
        and telegram.info_type == "発表"
        and event.last_report_at is not None
        and telegram.report_at is not None
        and telegram.report_at < event.last_report_at
    ):
        return Outcome("stale", event.id, exercise=exercise)  # an older report arriving late
    intensities = {area: intensity_in(session, telegram, area) for area in areas}
    strongest = None
    for value in intensities.values():
        strongest = stronger(strongest, value)
    opened = event is None
    if event is None:
        event = JmaEvent(
            event_id=telegram.event_id,
            exercise=exercise,
            name="",
            origin_at=telegram.origin_at or telegram.report_at or now,
            known_at=now,
            last_title=telegram.title,
            intensities={},
            tiers={},
        )
        session.add(event)
    event.name = quake_name(telegram, telegram.max_int)
    event.origin_at = telegram.origin_at or event.origin_at
    event.last_title, event.last_serial = telegram.title[:100], telegram.serial
    event.last_report_at, event.max_int = telegram.report_at, telegram.max_int
    event.intensities, event.updated_at = dict(intensities), now
    session.flush()
    tiers, started = dict(event.tiers or {}), {}
    struck = [area for area, value in intensities.items() if value in INTENSITY_TIERS]
    if struck and event.disaster_id is None:
        event.disaster_id, _ = open_quake_disaster(
            session,
            name=event.name,
            area_code=_common_area(session, struck),
            started_at=event.origin_at,
            known_at=event.known_at,
            exercise=exercise,
        )
    for area, value in intensities.items():
        tier = INTENSITY_TIERS.get(value)
        before = int(tiers.get(area, 0))
        if tier is None or tier <= before:
            continue
        started[area] = _call_in(session, event, area, value, tier, before, exercise, lang, now)
        tiers[area] = tier
    event.tiers = tiers
    record_audit(
        session,
        SYSTEM,
        AuditAction.JMA_EVENT_OPENED if opened else AuditAction.JMA_EVENT_UPDATED,
        entity="jma_event",
        entity_id=event.id,
        detail={
            "event": telegram.event_id,
            "title": telegram.title,
            "type": telegram.info_type,
            "intensities": intensities,
            "rollcalls": started,
        },
        exercise=exercise,
        at=now,
    )
    return Outcome("acted", event.id, intensities, started, event.disaster_id, exercise)


def _common_area(session: Session, codes: list[str]) -> str:
    """The lowest jurisdiction holding every struck area (the area itself when only one): the
    disaster's area, so that every struck municipality owes its report under it."""

    def chain(code: str) -> list[str]:
        found = []
        while code is not None:
            found.append(code)
            code = session.get(Jurisdiction, code).parent_code
        return found

    common = chain(codes[0])
    for code in codes[1:]:
        others = set(chain(code))
        common = [c for c in common if c in others]
    return common[0] if common else codes[0]


def _call_in(session, event, area, value, tier, before, exercise, lang, now) -> int:
    name = session.get(Jurisdiction, area).name_ja
    label = translate(f"rollcall.intensity.{value}", lang)
    title = translate("rollcall.intensity_title", lang, area=name, intensity=label)
    if exercise:
        title = translate("rollcall.jma_drill_prefix", lang) + title
    return begin_rollcall(
        session,
        SYSTEM,
        submission_id=f"{JMA_PREFIX}{event.id}:{area}:{tier}",
        trigger="intensity",
        scope_code=area,
        unit_code=None,
        tier=tier,
        title=title,
        lang=lang,
        now=now,
        min_tier=before or None,
        exercise=exercise,
    )
