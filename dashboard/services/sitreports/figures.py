"""Every figure of a report, per ward, from the three sources (see ``rows``), as of a time.

A figure is ``[value, source]``; ``value`` None is 未確認 (not yet confirmed), never 0. A row with
no report behind it in a ward stays 未確認 until the ward head has confirmed the ward's figures:
then the absence of reports means 0. Tallies and the system's figures are taken as they are.
Damage reports marked as a duplicate (or pointing at another report as its duplicate) are left
out, so a report sent twice is counted once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dashboard.domain import ReviewState, ShelterState
from dashboard.i18n import translate
from dashboard.services.modes import DisasterView
from dashboard.services.sitreports.aggregates import cached_rows
from dashboard.services.sitreports.rows import (
    AFFECTED_CLASSES,
    COST_BODIES,
    COUNTED_IN,
    DERIVED,
    HOUSING_CLASS_KEYS,
    HOUSING_UNITS,
    REPORTS,
    ROWS,
    SUMS,
    SYSTEM,
    TALLY,
)
from dashboard.storage.models import (
    DamageReport,
    DisasterDeclaration,
    Jurisdiction,
    Shelter,
    ShelterStatus,
    User,
    WardConfirmation,
    WardTally,
)
from dashboard.timefmt import local

# Shelter states counted as 開設 (open) on the form.
OPEN_STATES = (ShelterState.OPEN.value, ShelterState.FULL.value)
# Declarations made this long before a disaster opened still belong to it (a 警戒本部 set up
# while the typhoon approached).
HQ_LOOKBACK = timedelta(days=3)
# Confirmation states of a ward: none yet, confirmed, confirmed but newer data arrived since.
UNCONFIRMED, CONFIRMED, STALE = "none", "confirmed", "stale"

Figures = dict[str, list]  # row key -> [value or None, source]


@dataclass(frozen=True)
class WardState:
    confirmation: str
    confirmed_at: datetime | None
    confirmed_by: str | None


def _utc(value: datetime | str) -> datetime:
    """An aggregate's time: SQLite's MAX gives the stored text (UTC, naive), PostgreSQL a
    timezone-aware datetime; the column type is not applied to a bare aggregate."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _until(disaster: DisasterView, as_of: datetime) -> datetime:
    return min(as_of, disaster.ended_at) if disaster.ended_at else as_of


def _window_key(disaster: DisasterView, wards) -> tuple:
    """What a cached aggregate depends on besides the reports themselves."""
    return (
        disaster.id,
        disaster.exercise,
        disaster.started_at.isoformat(),
        disaster.ended_at.isoformat() if disaster.ended_at else None,
        tuple(sorted(wards)),
    )


def _counted(disaster: DisasterView, wards, as_of: datetime) -> list:
    """Conditions of the reports a report counts: the disaster's window, mode and wards, and
    neither marked as a duplicate nor pointing at another report as one."""
    return [
        DamageReport.exercise == disaster.exercise,
        DamageReport.ward_code.in_(list(wards)),
        DamageReport.reported_at >= disaster.started_at,
        DamageReport.reported_at <= _until(disaster, as_of),
        DamageReport.review_state != ReviewState.DUPLICATE.value,
        DamageReport.duplicate_of_id.is_(None),
    ]


def _report_sums(
    session: Session, disaster: DisasterView, wards, as_of: datetime
) -> dict[str, dict[str, int]]:
    """Per ward: row key -> sum of what the reports carry, only for rows some report speaks to
    (a field left empty is not 0). Summed in the database in one pass: a row per ward and
    住家被害 class."""
    r = DamageReport
    split = func.coalesce(r.injured_serious, 0) + func.coalesce(r.injured_minor, 0)
    # Injuries a report does not split (all of an older report's) stay unclassified.
    unsplit = case((r.injured > split, r.injured - split), else_=0)
    casualties = {
        "dead": func.sum(r.dead),
        "missing": func.sum(r.missing),
        "injured_unclassified": func.sum(unsplit),
        "injured_serious": func.sum(r.injured_serious),  # SUM of only NULLs: not given
        "injured_minor": func.sum(r.injured_minor),
    }
    housing = {suffix: func.sum(getattr(r, f"housing_{suffix}")) for suffix, _ in HOUSING_UNITS}
    stmt = (
        select(r.ward_code, r.housing_class, *casualties.values(), *housing.values())
        .where(*_counted(disaster, wards, as_of))
        .group_by(r.ward_code, r.housing_class)
    )
    rows = cached_rows(
        session,
        ("sums", *_window_key(disaster, wards)),
        stmt,
        groups=2,
        merges=["sum"] * (len(casualties) + len(housing)),
        as_of=as_of,
    )
    sums: dict[str, dict[str, int]] = defaultdict(dict)
    for ward, housing_class, *values in rows:
        found = sums[ward]
        for key, value in zip(casualties, values[: len(casualties)], strict=True):
            if value is not None:
                found[key] = found.get(key, 0) + int(value)
        if housing_class not in HOUSING_CLASS_KEYS:
            continue
        # A 大規模半壊 report is a 半壊 on the form, and also its うち count.
        classes = {housing_class, COUNTED_IN.get(housing_class, housing_class)}
        for suffix, value in zip(housing, values[len(casualties) :], strict=True):
            if value is None:
                continue
            for form_class in classes:
                key = f"{form_class}_{suffix}"
                found[key] = found.get(key, 0) + int(value)
    return sums


def _latest_tallies(session: Session, disaster: DisasterView, wards, as_of: datetime):
    """(ward, row) -> (value, entered_at, entered_by_id) of the newest tally up to ``as_of``."""
    rows = session.execute(
        select(WardTally)
        .where(
            WardTally.disaster_id == disaster.id,
            WardTally.ward_code.in_(list(wards)),
            WardTally.entered_at <= as_of,
        )
        .order_by(WardTally.entered_at, WardTally.id)
    ).scalars()
    return {(t.ward_code, t.row_key): (t.value, t.entered_at, t.entered_by_id) for t in rows}


def _shelter_figures(session: Session, disaster: DisasterView, wards, as_of: datetime):
    """Per ward: open shelters, evacuees, households and うち自主避難 (each of the last two None
    if an open shelter did not say)."""
    latest = (
        select(ShelterStatus.shelter_id, func.max(ShelterStatus.id).label("status_id"))
        .where(
            ShelterStatus.exercise == disaster.exercise,
            ShelterStatus.reported_at <= _until(disaster, as_of),
        )
        .group_by(ShelterStatus.shelter_id)
        .subquery()
    )
    stmt = (
        select(Shelter.ward_code, ShelterStatus)
        .join(latest, latest.c.shelter_id == Shelter.id)
        .join(ShelterStatus, ShelterStatus.id == latest.c.status_id)
        .where(Shelter.ward_code.in_(list(wards)), ShelterStatus.state.in_(OPEN_STATES))
    )
    if not disaster.exercise:
        stmt = stmt.where(Shelter.exercise.is_(False))
    parts = {"evacuee_households": "households", "evacuees_voluntary": "voluntary_evacuees"}
    result = {
        w: {"shelters_open": 0, "evacuees": 0, "evacuee_households": 0, "evacuees_voluntary": 0}
        for w in wards
    }
    for ward, status in session.execute(stmt):
        figures = result[ward]
        figures["shelters_open"] += 1
        figures["evacuees"] += status.evacuees
        for key, column in parts.items():
            value = getattr(status, column)
            figures[key] = None if value is None or figures[key] is None else figures[key] + value
    return result


def ward_states(
    session: Session, disaster: DisasterView, wards: Iterable[str], as_of: datetime
) -> dict[str, WardState]:
    """Whether each ward head confirmed the ward's figures, and since then nothing changed."""
    wards = list(wards)
    confirmations = {}
    for c in session.scalars(
        select(WardConfirmation)
        .where(
            WardConfirmation.disaster_id == disaster.id,
            WardConfirmation.ward_code.in_(wards),
            WardConfirmation.confirmed_at <= as_of,
        )
        .order_by(WardConfirmation.confirmed_at, WardConfirmation.id)
    ):
        confirmations[c.ward_code] = c
    changed: dict[str, datetime] = {}
    reviewed = case((DamageReport.reviewed_at <= as_of, DamageReport.reviewed_at))
    stmt = (
        select(DamageReport.ward_code, func.max(DamageReport.reported_at), func.max(reviewed))
        .where(
            DamageReport.exercise == disaster.exercise,
            DamageReport.ward_code.in_(wards),
            DamageReport.reported_at >= disaster.started_at,
            DamageReport.reported_at <= _until(disaster, as_of),
        )
        .group_by(DamageReport.ward_code)
    )
    latest = cached_rows(
        session,
        ("latest", *_window_key(disaster, wards)),
        stmt,
        groups=1,
        merges=["max", "max"],
        as_of=as_of,
    )
    for ward, *times in latest:
        changed[ward] = max(_utc(t) for t in times if t is not None)
    for (ward, _), (_, at, _) in _latest_tallies(session, disaster, wards, as_of).items():
        changed[ward] = max(changed.get(ward, at), at)
    names = dict(session.execute(select(User.id, User.display_name)).all())
    states = {}
    for ward in wards:
        c = confirmations.get(ward)
        if c is None:
            states[ward] = WardState(UNCONFIRMED, None, None)
            continue
        fresh = ward not in changed or changed[ward] <= c.confirmed_at
        states[ward] = WardState(
            CONFIRMED if fresh else STALE, c.confirmed_at, names.get(c.confirmed_by_id)
        )
    return states


def ward_figures(
    session: Session, disaster: DisasterView, wards: Iterable[str], as_of: datetime
) -> tuple[dict[str, Figures], dict[str, WardState]]:
    """Every row's ``[value, source]`` per ward as of ``as_of``, and each ward's confirmation."""
    wards = list(wards)
    sums = _report_sums(session, disaster, wards, as_of)
    tallies = _latest_tallies(session, disaster, wards, as_of)
    shelters = _shelter_figures(session, disaster, wards, as_of)
    states = ward_states(session, disaster, wards, as_of)
    result: dict[str, Figures] = {}
    for ward in wards:
        confirmed = states[ward].confirmation != UNCONFIRMED
        figures: Figures = {}
        for row in ROWS:
            if row.source == REPORTS:
                value = sums.get(ward, {}).get(row.key)
                figures[row.key] = [
                    value if value is not None else (0 if confirmed else None),
                    REPORTS,
                ]
            elif row.source == SYSTEM:
                figures[row.key] = [shelters[ward][row.key], SYSTEM]
            elif row.source == TALLY:
                figures[row.key] = [None, TALLY]
            elif row.key == COST_BODIES:
                figures[row.key] = [None, DERIVED]  # counted per body, not per ward
        # An emptied tally of a computed row gives the computed figure back.
        tallied = {
            key: value
            for (tally_ward, key), (value, _, _) in tallies.items()
            if tally_ward == ward
            and key in figures
            and figures[key][1] != SYSTEM
            and (value is not None or figures[key][1] == TALLY)
        }
        # Tallies first (they replace a computed figure), then what is derived from them.
        for key, value in tallied.items():
            figures[key] = [value, TALLY]
        for key, unit in (("affected_households", "households"), ("affected_persons", "persons")):
            if key in tallied:
                continue
            parts = [figures[f"{c}_{unit}"][0] for c in AFFECTED_CLASSES]
            figures[key] = [None if None in parts else sum(parts), DERIVED]
        for key, parts in SUMS.items():
            if key not in tallied:
                values = [figures[p][0] for p in parts]
                figures[key] = [None if None in values else sum(values), DERIVED]
        result[ward] = figures
    return result, states


def total_figures(areas: Iterable[Figures]) -> dict[str, list]:
    """Row key -> [sum of the known values or None, source(s), partial]: partial when some area
    is still 未確認 (the sum is then a lower bound, and says so)."""
    areas = list(areas)
    total = {}
    for row in ROWS:
        values = [a[row.key][0] for a in areas if row.key in a]
        sources = sorted({a[row.key][1] for a in areas if row.key in a})
        known = [v for v in values if v is not None]
        # A municipality's own total may already be partial (its third element).
        inner = any(len(a[row.key]) > 2 and a[row.key][2] for a in areas if row.key in a)
        total[row.key] = [
            sum(known) if known else None,
            sources[0] if len(sources) == 1 else "+".join(sources),
            bool(known) and (len(known) < len(values) or inner),
        ]
    return total


def headquarters_text(session: Session, disaster: DisasterView, codes, as_of: datetime) -> str:
    """災害対策本部等の設置状況 from the disaster-mode declarations in force at ``as_of``."""
    rows = session.execute(
        select(DisasterDeclaration, Jurisdiction.name_ja)
        .join(Jurisdiction, Jurisdiction.code == DisasterDeclaration.scope_code)
        .where(
            DisasterDeclaration.exercise == disaster.exercise,
            DisasterDeclaration.scope_code.in_(list(codes)),
            DisasterDeclaration.declared_at <= as_of,
        )
        .order_by(DisasterDeclaration.declared_at)
    )
    parts = []
    for d, name in rows:
        if d.ended_at is not None and d.ended_at <= as_of:
            continue
        level = translate(f"disaster.level.{d.level}", "ja")
        parts.append(f"{name} {level}（{local(d.declared_at):%m/%d %H:%M}〜）")
    return "、".join(parts)


def hq_entries(session: Session, disaster: DisasterView, codes, as_of: datetime) -> list[dict]:
    """災害対策本部等の設置状況 as the form lists it: every declaration of the area up to
    ``as_of`` (dissolved ones with their time), prefecture first, in the order they were set up."""
    rows = session.execute(
        select(DisasterDeclaration, Jurisdiction.name_ja, Jurisdiction.level)
        .join(Jurisdiction, Jurisdiction.code == DisasterDeclaration.scope_code)
        .where(
            DisasterDeclaration.exercise == disaster.exercise,
            DisasterDeclaration.scope_code.in_(list(codes)),
            DisasterDeclaration.declared_at <= as_of,
            DisasterDeclaration.declared_at >= disaster.started_at - HQ_LOOKBACK,
        )
        .order_by(DisasterDeclaration.declared_at, DisasterDeclaration.id)
    )
    entries = []
    for d, name, level in rows:
        dissolved = d.ended_at if d.ended_at is not None and d.ended_at <= as_of else None
        entries.append(
            {
                "level": "都道府県" if level == "prefecture" else "市町村",
                "name": name,
                "body": translate(f"disaster.level.{d.level}", "ja"),
                "set_up": _utc(d.declared_at).isoformat(),
                "dissolved": _utc(dissolved).isoformat() if dissolved else None,
            }
        )
    entries.sort(key=lambda e: e["level"] != "都道府県")
    return entries
