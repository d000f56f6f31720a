"""Automatic starts: a disaster-mode declaration, or a seismic intensity of 5弱 or more.

Both call in the staff of the matching tier and milder ones in the area. An automatic start is
skipped when an open roll-call of the same area (and mode) already calls in at least those
tiers, so a declaration right after an intensity report does not ask everyone twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, Actor
from dashboard.errors import ValidationFailed
from dashboard.i18n import translate
from dashboard.services.areas import require_in_scope, require_role
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.modes import exercise_now
from dashboard.services.rollcall.calls import begin_rollcall
from dashboard.services.rollcall.jma import INTENSITIES
from dashboard.storage.db import transaction
from dashboard.storage.models import Jurisdiction, RollCall, utcnow

# Tier called in per intensity (Osaka City's plan as a default: 5弱 → 第1非常配備, 5強 → 第2,
# 6弱 and above → 第3 = all staff); weaker intensities start nothing.
INTENSITY_TIERS = {"5-": 2, "5+": 3, "6-": 4, "6+": 4, "7": 4}
# Submission-id prefixes of automatic starts (one roll-call per declaration or intensity input).
DECLARATION_PREFIX, INTENSITY_PREFIX = "rollcall-declaration:", "rollcall-intensity:"


def _covered(session: Session, scope_code: str, tier: int, exercise: bool) -> bool:
    stmt = select(RollCall.id).where(
        RollCall.scope_code == scope_code,
        RollCall.ended_at.is_(None),
        RollCall.exercise == exercise,
        or_(RollCall.tier.is_(None), RollCall.tier >= tier),
    )
    return session.scalar(stmt.limit(1)) is not None


def start_for_declaration(
    session: Session,
    actor: Actor,
    *,
    declaration_id: int,
    level: int,
    scope_code: str,
    lang: str,
    now: datetime,
) -> int | None:
    """In the declaring transaction: call in the declared tier and milder ones of the area."""
    if _covered(session, scope_code, level, exercise_now(session)):
        return None
    level_name = translate(f"disaster.level.{level}", lang)
    return begin_rollcall(
        session,
        actor,
        submission_id=f"{DECLARATION_PREFIX}{declaration_id}",
        trigger="declaration",
        scope_code=scope_code,
        unit_code=None,
        tier=level,
        title=translate("rollcall.declaration_title", lang, tier=level_name),
        lang=lang,
        now=now,
    )


def record_intensity(
    engine: Engine,
    actor: Actor,
    *,
    submission_id: str,
    scope_code: str,
    intensity: str,
    lang: str = "ja",
    now: datetime | None = None,
) -> int | None:
    """A 震度 observed in the area (typed on the page): logged, and from 5弱 a roll-call starts.
    Returns the roll-call's id, or None when nothing was started."""
    require_role(actor, COMMAND_ROLES)
    if intensity not in INTENSITIES:
        raise ValidationFailed({"intensity": ("rollcall.intensity_invalid", {})})
    now = now or utcnow()
    with transaction(engine) as session:
        require_in_scope(session, actor, [scope_code])
        submission = f"{INTENSITY_PREFIX}{submission_id}"
        found = session.scalar(select(RollCall.id).where(RollCall.submission_id == submission))
        if found is not None:
            return found
        exercise = exercise_now(session)
        record_audit(
            session,
            actor,
            AuditAction.INTENSITY_ENTERED,
            entity="jurisdiction",
            entity_id=scope_code,
            detail={"intensity": intensity},
            exercise=exercise,
            at=now,
        )
        tier = INTENSITY_TIERS.get(intensity)
        if tier is None or _covered(session, scope_code, tier, exercise):
            return None
        area = session.get(Jurisdiction, scope_code)
        label = translate(f"rollcall.intensity.{intensity}", lang)
        title = translate("rollcall.intensity_title", lang, area=area.name_ja, intensity=label)
        return begin_rollcall(
            session,
            actor,
            submission_id=submission,
            trigger="intensity",
            scope_code=scope_code,
            unit_code=None,
            tier=tier,
            title=title,
            lang=lang,
            now=now,
        )
