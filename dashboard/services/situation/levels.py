"""The situation of each ward at a glance: a level 0–4 and whether the ward has gone silent.

The level combines damage (severity, how many serious reports, casualties, people trapped) and
shelter pressure (occupancy of the ward's open shelters). Rules are plain functions so that the
crisis-management office can read — and tests can pin — exactly when a ward turns red.

``assess_wards`` is the one place that turns per-ward totals into situations: the SQL of
``ward_situations`` and the map's cached frames only add up the totals it starts from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dashboard.domain import ReviewState
from dashboard.services.areas import AreaTree
from dashboard.services.modes import Declaration

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


# One row of damage totals: (ward_code, severity, reports, serious reports, dead, injured,
# missing, trapped) over a ward's active reports of one severity.
DamageRow = tuple[str, int, int, int, int, int, int, int]
# One row of shelter totals: (ward_code, open, full, evacuees, capacity, capacity unknown),
# people counted in open and full shelters only; the last is how many of those have no capacity.
ShelterRow = tuple[str, int, int, int, int, int]


def assess_wards(
    tree: AreaTree,
    codes: Iterable[str],
    *,
    damage: Iterable[DamageRow],
    shelters: Iterable[ShelterRow],
    last_activity: Mapping[str, datetime],
    declarations: Sequence[Declaration],
    now: datetime,
    silent_after: timedelta,
) -> dict[str, WardSituation]:
    """The situation of each ward in ``codes`` from its totals: level, silence and counts.

    ``last_activity`` is when each ward last sent anything (a report, a shelter status, an
    acknowledgement or answer); a declaration counts for a ward when it covers the ward, its
    city or its prefecture.
    """
    severities: dict[str, dict[int, int]] = {}
    totals: dict[str, list[int]] = {}  # serious, dead, injured, missing, trapped
    for code, severity, count, *counts in damage:
        severities.setdefault(code, {})[int(severity)] = int(count)
        summed = totals.setdefault(code, [0] * 5)
        for index, value in enumerate(counts):
            summed[index] += int(value or 0)
    in_shelters = {code: tuple(int(v or 0) for v in rest) for code, *rest in shelters}
    result = {}
    for code in codes:
        by_severity = severities.get(code, {})
        serious, dead, injured, missing, trapped = totals.get(code, (0,) * 5)
        open_, full, evacuees, capacity, unknown = in_shelters.get(code, (0,) * 5)
        parent = tree.parents.get(code)
        chain = {code, parent, tree.parents.get(parent)}
        declaration = next((d for d in declarations if d.scope_code in chain), None)
        name_ja, name_en = tree.names.get(code, (code, None))
        last = last_activity.get(code)
        # Unknown capacity never reads as room (nor as full): no occupancy at all.
        occupancy = evacuees / capacity if capacity and not unknown else None
        result[code] = WardSituation(
            code=code,
            parent_code=parent,
            name_ja=name_ja,
            name_en=name_en,
            level=situation_level(
                max_severity=max(by_severity, default=0),
                serious_reports=serious,
                dead=dead,
                injured=injured,
                trapped=trapped,
                occupancy=occupancy,
                open_shelters=open_ + full,
            ),
            silent=is_silent(
                last_activity=last,
                declared_at=declaration.declared_at if declaration else None,
                now=now,
                silent_after=silent_after,
            ),
            reports=sum(by_severity.values()),
            by_severity=dict(by_severity),
            dead=dead,
            injured=injured,
            missing=missing,
            trapped=trapped,
            open_shelters=open_,
            full_shelters=full,
            evacuees=evacuees,
            capacity=capacity,
            capacity_unknown=unknown,
            last_report_at=last,
        )
    return result
