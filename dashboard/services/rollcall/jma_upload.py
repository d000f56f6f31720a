"""A JMA telegram file uploaded by hand on the roll-call page, read as JMA means it: a 試験 or a
取消 starts nothing, a 訓練 only during a drill; 震度速報's 細分区域 are mapped to municipalities
with JMA's table, 震源・震度に関する情報's municipalities decide."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from dashboard.domain import COMMAND_ROLES, Actor
from dashboard.errors import ValidationFailed
from dashboard.services.areas import require_in_scope, require_role
from dashboard.services.modes import exercise_now
from dashboard.services.rollcall.jma_events import intensity_in
from dashboard.services.rollcall.jma_telegram import parse_telegram
from dashboard.services.rollcall.triggers import record_intensity
from dashboard.storage.db import transaction


def record_jma_intensity(
    engine: Engine,
    actor: Actor,
    *,
    data: bytes,
    submission_id: str,
    scope_code: str,
    lang: str = "ja",
    now: datetime | None = None,
) -> tuple[str | None, int | None]:
    """The strongest intensity a JMA telegram file gives for the area, recorded like a typed one;
    (intensity or None when the report does not reach the area, roll-call id or None).

    Read as JMA means it: a 試験 or a 取消 starts nothing, a 訓練 only during a drill; 震度速報's
    細分区域 are mapped to municipalities with JMA's table."""
    require_role(actor, COMMAND_ROLES)
    telegram = parse_telegram(data)
    with transaction(engine) as session:
        require_in_scope(session, actor, [scope_code])
        drill = exercise_now(session)
        refused = (
            telegram.status == "試験"
            or telegram.info_type == "取消"
            or (telegram.status == "訓練" and not drill)
        )
        if refused:
            raise ValidationFailed(
                {
                    "intensity": (
                        "rollcall.jma_not_acted",
                        {"status": telegram.status, "type": telegram.info_type},
                    )
                }
            )
        intensity = intensity_in(session, telegram, scope_code)
    if intensity is None:
        return None, None
    started = record_intensity(
        engine,
        actor,
        submission_id=submission_id,
        scope_code=scope_code,
        intensity=intensity,
        lang=lang,
        now=now,
    )
    return intensity, started
