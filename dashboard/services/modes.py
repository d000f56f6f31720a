"""The operating mode everyone sees: drill running or not (disaster mode comes with directives)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from dashboard.services.drills import active_exercise
from dashboard.storage.db import reading


@dataclass(frozen=True)
class Mode:
    exercise_name: str | None


def current_mode(engine: Engine) -> Mode:
    with reading(engine) as session:
        exercise = active_exercise(session)
        return Mode(exercise_name=exercise.name if exercise else None)
