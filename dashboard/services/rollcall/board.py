"""The roll-call board: per unit and for the whole area, minute by minute.

Counts are computed from the latest answer of each recipient (one query over the recipients of
one roll-call) and are open to command roles for every unit in scope and to a ward head for the
own ward. Names, answers and the unanswered list are personal data: only the crisis office and
the person's own unit head get them (``personal_units``). Nothing here is logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.errors import NotFound, PermissionDenied
from dashboard.services.exports import ExportTable, csv_bytes, xlsx_bytes
from dashboard.services.rollcall.calls import scope_codes_under
from dashboard.services.rollcall.staffing import required_for
from dashboard.services.rollcall.vocab import board_units, personal_units
from dashboard.storage.db import reading
from dashboard.storage.models import (
    Jurisdiction,
    OutboxMessage,
    RollCall,
    RollCallAnswer,
    RollCallRecipient,
    StaffMember,
    utcnow,
)

# Horizons of the arrival forecast, in hours after the start of the roll-call.
HORIZONS = (1, 3, 6)
# Width of one step of the mobilisation-rate chart.
CHART_STEP = timedelta(minutes=10)


@dataclass
class UnitCounts:
    """What the board shows for one unit (or the whole area)."""

    unit_code: str
    unit_name: str
    # Staff this roll-call called in, and the unit's required staff at its tier (必要参集人数;
    # the number called in when none is set).
    called: int = 0
    required: int = 0
    sent: int = 0
    answered: int = 0
    safe: int = 0
    injured: int = 0
    can_come: int = 0
    cannot: int = 0
    arrived: int = 0
    within: dict[int, int] = field(default_factory=lambda: dict.fromkeys(HORIZONS, 0))

    @property
    def rate(self) -> float:
        """参集率: arrived against the required staff (those called in when none is set)."""
        return self.arrived / self.required if self.required else 0.0

    @property
    def unanswered(self) -> int:
        return self.called - self.answered


@dataclass(frozen=True)
class Board:
    rollcall_id: int
    title: str
    started_at: datetime
    ended_at: datetime | None
    exercise: bool
    total: UnitCounts
    units: list[UnitCounts]
    # (time, 参集率 of the units shown) every CHART_STEP since the start.
    rate_over_time: list[tuple[datetime, float]]


@dataclass(frozen=True)
class PersonRow:
    """One person on a unit head's list (personal data)."""

    employee_number: str
    name: str
    unit_code: str
    post: str | None
    tier: int
    reminders: int
    safety: str | None
    attendance: str | None
    eta_minutes: int | None
    place: str | None
    comment: str | None
    answered_at: datetime | None


def _rollcall(session: Session, rollcall_id: int) -> RollCall:
    rollcall = session.get(RollCall, rollcall_id)
    if rollcall is None:
        raise NotFound()
    return rollcall


def _latest_answers():
    latest = (
        select(func.max(RollCallAnswer.id).label("id"))
        .group_by(RollCallAnswer.recipient_id)
        .subquery()
    )
    return select(RollCallAnswer).join(latest, latest.c.id == RollCallAnswer.id).subquery()


def board(engine: Engine, actor: Actor, rollcall_id: int, *, now: datetime | None = None) -> Board:
    """Counts per unit the actor may see, their total, and the rate over time."""
    now = now or utcnow()
    with reading(engine) as session:
        units = board_units(session, actor)
        if units is None:
            raise PermissionDenied()
        rollcall = _rollcall(session, rollcall_id)
        names = dict(session.execute(select(Jurisdiction.code, Jurisdiction.name_ja)).all())
        answer = _latest_answers()
        rows = session.execute(
            select(
                RollCallRecipient.unit_code,
                answer.c.safety,
                answer.c.attendance,
                answer.c.eta_minutes,
                answer.c.answered_at,
            )
            .outerjoin(answer, answer.c.recipient_id == RollCallRecipient.id)
            .where(RollCallRecipient.rollcall_id == rollcall_id)
        ).all()
        sent = session.execute(
            select(RollCallRecipient.unit_code, func.count(func.distinct(RollCallRecipient.id)))
            .join(OutboxMessage, OutboxMessage.recipient_id == RollCallRecipient.id)
            .where(RollCallRecipient.rollcall_id == rollcall_id, OutboxMessage.status == "sent")
            .group_by(RollCallRecipient.unit_code)
        ).all()
        arrivals = session.execute(
            select(RollCallRecipient.unit_code, func.min(RollCallAnswer.answered_at))
            .join(RollCallAnswer, RollCallAnswer.recipient_id == RollCallRecipient.id)
            .where(
                RollCallRecipient.rollcall_id == rollcall_id,
                RollCallAnswer.attendance == "arrived",
            )
            .group_by(RollCallRecipient.id, RollCallRecipient.unit_code)
        ).all()
        # Units of the roll-call with required staff count even if nobody there was called in.
        area = (
            {rollcall.unit_code}
            if rollcall.unit_code
            else scope_codes_under(session, rollcall.scope_code)
        )
        required = required_for(session, area & units, rollcall.tier)
    by_unit: dict[str, UnitCounts] = {}
    for unit, safety, attendance, eta, answered_at in rows:
        if unit not in units:
            continue
        counts = by_unit.setdefault(unit, UnitCounts(unit, names.get(unit, unit)))
        _count(counts, rollcall.started_at, safety, attendance, eta, answered_at)
    for unit, n in sent:
        if unit in by_unit:
            by_unit[unit].sent = n
    for unit in required:
        by_unit.setdefault(unit, UnitCounts(unit, names.get(unit, unit)))
    for unit, counts in by_unit.items():
        counts.required = required.get(unit, counts.called)
    total = UnitCounts(rollcall.scope_code, names.get(rollcall.scope_code, ""))
    for counts in by_unit.values():
        for f in fields(UnitCounts):
            if f.name in ("unit_code", "unit_name"):
                continue
            if f.name == "within":
                for h in HORIZONS:
                    total.within[h] += counts.within[h]
            else:
                setattr(total, f.name, getattr(total, f.name) + getattr(counts, f.name))
    firsts = sorted(t for unit, t in arrivals if unit in by_unit)
    series, step, index = [], rollcall.started_at, 0
    end = min(now, rollcall.ended_at or now)
    # Steps up to now, then now itself: the chart never draws a point in the future.
    steps = []
    while step < end and len(steps) < 24 * 6 * 7:
        steps.append(step)
        step += CHART_STEP
    for step in [*steps, end]:
        while index < len(firsts) and firsts[index] <= step:
            index += 1
        series.append((step, index / total.required if total.required else 0.0))
    return Board(
        rollcall.id,
        rollcall.title,
        rollcall.started_at,
        rollcall.ended_at,
        rollcall.exercise,
        total,
        sorted(by_unit.values(), key=lambda c: c.unit_code),
        series,
    )


def _count(counts: UnitCounts, started_at, safety, attendance, eta, answered_at) -> None:
    counts.called += 1
    if safety is None:
        return
    counts.answered += 1
    if safety == "safe":
        counts.safe += 1
    else:
        counts.injured += 1
    if attendance == "arrived":
        counts.arrived += 1
    elif attendance == "cannot":
        counts.cannot += 1
    else:
        counts.can_come += 1
    for hours in HORIZONS:
        horizon = started_at + timedelta(hours=hours)
        if attendance == "arrived" or (
            attendance == "can_come"
            and eta is not None
            and answered_at + timedelta(minutes=eta) <= horizon
        ):
            counts.within[hours] += 1


def people(
    engine: Engine,
    actor: Actor,
    rollcall_id: int,
    *,
    unit_code: str | None = None,
    unanswered_only: bool = False,
) -> list[PersonRow]:
    """Names and latest answers of the units whose personal data the actor may see."""
    with reading(engine) as session:
        units = personal_units(session, actor)
        if unit_code is not None:
            if unit_code not in units:
                raise PermissionDenied()
            units = frozenset({unit_code})
        _rollcall(session, rollcall_id)
        answer = _latest_answers()
        stmt = (
            select(
                StaffMember.employee_number,
                StaffMember.name,
                RollCallRecipient.unit_code,
                StaffMember.post,
                RollCallRecipient.tier,
                RollCallRecipient.reminder_count,
                answer.c.safety,
                answer.c.attendance,
                answer.c.eta_minutes,
                answer.c.place,
                answer.c.comment,
                answer.c.answered_at,
            )
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .outerjoin(answer, answer.c.recipient_id == RollCallRecipient.id)
            .where(
                RollCallRecipient.rollcall_id == rollcall_id,
                RollCallRecipient.unit_code.in_(units),
            )
            .order_by(RollCallRecipient.unit_code, StaffMember.employee_number)
        )
        if unanswered_only:
            stmt = stmt.where(answer.c.id.is_(None))
        return [PersonRow(*row) for row in session.execute(stmt)]


def export_csv(rows: list[PersonRow], headers: list[str]) -> bytes:
    """The list as CSV that Excel opens with Japanese intact (UTF-8 with BOM); answers typed as
    formulas are written as text (``exports.safe_cell``)."""
    return csv_bytes(ExportTable("rollcall", headers, [_values(row) for row in rows]))


def export_xlsx(rows: list[PersonRow], headers: list[str]) -> bytes:
    """The list as an Excel workbook, every text as text (``exports.safe_cell``)."""
    return xlsx_bytes(ExportTable("rollcall", headers, [_values(row) for row in rows]))


def _values(row: PersonRow) -> list:
    values = [getattr(row, f.name) for f in fields(PersonRow)]
    return [v.isoformat() if isinstance(v, datetime) else v for v in values]


# Colours of the map's "staffing" layer by 参集率, lowest band first: (rate below, colour).
STAFFING_BANDS = ((0.25, "#d7301f"), (0.5, "#fc8d59"), (0.75, "#fdcc8a"), (1.01, "#1a9850"))


@dataclass(frozen=True)
class Staffing:
    """One unit on the map's staffing layer: counts only, never names."""

    unit_code: str
    rate: float
    arrived: int
    required: int
    colour: str


def staffing_layer(
    engine: Engine, actor: Actor, *, now: datetime | None = None
) -> dict[str, Staffing]:
    """Per unit, the 参集率 of the newest open roll-call the actor may follow (current mode), with
    its colour; empty when none is open. For the map's "staffing" layer beside the damage."""
    from dashboard.services.rollcall.calls import list_rollcalls

    open_calls = [c for c in list_rollcalls(engine, actor) if c.ended_at is None]
    if not open_calls:
        return {}
    counts = board(engine, actor, open_calls[0].id, now=now)
    return {
        c.unit_code: Staffing(
            c.unit_code,
            c.rate,
            c.arrived,
            c.required,
            next(colour for limit, colour in STAFFING_BANDS if c.rate < limit),
        )
        for c in counts.units
    }
