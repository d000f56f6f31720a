"""The replay (振り返り): the span of the disaster the time slider covers. The map as of any
moment in it is the ordinary view with ``as_of`` (see ``views``), computed from the appended
history: damage reports by their time, shelter statuses, declarations, acknowledgements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select

from dashboard.clock import utcnow
from dashboard.domain import Actor
from dashboard.services.command_map.basis import load_basis
from dashboard.storage.db import reading
from dashboard.storage.models import DisasterDeclaration, ShelterStatus

# The slider reaches back at most this far (a replay is for a shift's briefing or a drill).
MAX_SPAN = timedelta(days=7)
# A span with nothing in it still offers the last hour.
MIN_SPAN = timedelta(hours=1)
# Steps of the slider and of the play button: about this many over the span, whole minutes.
STEPS = 60


@dataclass(frozen=True)
class ReplaySpan:
    """From the first event of the disaster (or drill) to now, in whole minutes."""

    start: datetime
    end: datetime
    step: timedelta

    def moments(self) -> list[datetime]:
        """The moments the play button steps through, the last one ``end``."""
        found, at = [], self.start
        while at < self.end:
            found.append(at)
            at += self.step
        return [*found, self.end]


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def replay_span(engine: Engine, actor: Actor, *, now: datetime | None = None) -> ReplaySpan:
    """The span the replay offers: from the earliest declaration, damage report or shelter
    status of the current mode (at most ``MAX_SPAN`` back) to ``now``."""
    now = now or utcnow()
    basis = load_basis(engine, actor)
    exercise = basis.version.exercise
    _, reports = basis.reports()
    firsts = []
    if len(reports):
        firsts.append(reports["reported_at"].min().to_pydatetime())
    with reading(engine) as session:
        for column, mode in (
            (DisasterDeclaration.declared_at, DisasterDeclaration.exercise),
            (ShelterStatus.reported_at, ShelterStatus.exercise),
        ):
            first = session.scalar(select(func.min(column)).where(mode == exercise))
            if first is not None:
                firsts.append(first)
    end = _minute(now)
    start = max(min(firsts, default=end - MIN_SPAN), end - MAX_SPAN)
    start = _minute(min(start, end - MIN_SPAN))
    minutes = max(1, int((end - start).total_seconds() // 60) // STEPS)
    return ReplaySpan(start=start, end=end, step=timedelta(minutes=minutes))
