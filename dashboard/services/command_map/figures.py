"""The key figures above the map: what the mayor reads before anything else (numbers only; the
page formats them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard.domain import SEVERITIES, ShelterState
from dashboard.services.command_map.basis import Basis
from dashboard.services.situation import WardSituation


@dataclass(frozen=True)
class KeyFigures:
    """The header above the map: what the mayor reads before anything else."""

    shelters_open: int
    shelters_full: int
    evacuees: int
    capacity: int
    reports_by_severity: dict[int, int]
    dead: int
    injured: int
    missing: int
    trapped: int
    areas: int
    areas_reporting: int
    areas_silent: int
    disaster_level: int | None
    declared_at: datetime | None
    drill_name: str | None
    # Open or full shelters without a known capacity: the occupancy is then unknown.
    capacity_unknown: int = 0

    @property
    def disaster(self) -> bool:
        return self.declared_at is not None

    @property
    def reports(self) -> int:
        return sum(self.reports_by_severity.values())

    @property
    def occupancy(self) -> float | None:
        if self.capacity_unknown:
            return None
        return self.evacuees / self.capacity if self.capacity else None


def key_figures(
    basis: Basis,
    situations: list[WardSituation],
    root: str,
    shelters: pd.DataFrame,
    *,
    as_of: datetime | None = None,
) -> KeyFigures:
    """The header of ``root``'s map from its leaves' situations and its shelters (at
    ``as_of``, if given)."""
    activity = basis.activity(as_of)
    related = basis.tree.subtree(root) | set(basis.tree.ancestors(root))
    declarations = [d for d in activity.declarations if d.scope_code in related]
    declared_at = min((d.declared_at for d in declarations), default=None)
    by_severity = dict.fromkeys(sorted(SEVERITIES, reverse=True), 0)
    for situation in situations:
        for severity, count in situation.by_severity.items():
            by_severity[severity] = by_severity.get(severity, 0) + count
    reporting = sum(
        1
        for s in situations
        if not s.silent
        and s.last_report_at is not None
        and (declared_at is None or s.last_report_at >= declared_at)
    )
    states = shelters["state"]
    return KeyFigures(
        shelters_open=int((states == ShelterState.OPEN.value).sum()),
        shelters_full=int((states == ShelterState.FULL.value).sum()),
        evacuees=sum(s.evacuees for s in situations),
        capacity=sum(s.capacity for s in situations),
        capacity_unknown=sum(s.capacity_unknown for s in situations),
        reports_by_severity=by_severity,
        dead=sum(s.dead for s in situations),
        injured=sum(s.injured for s in situations),
        missing=sum(s.missing for s in situations),
        trapped=sum(s.trapped for s in situations),
        areas=len(situations),
        areas_reporting=reporting,
        areas_silent=sum(s.silent for s in situations),
        disaster_level=max((d.level for d in declarations), default=None),
        declared_at=declared_at,
        drill_name=activity.drill_name,
    )
