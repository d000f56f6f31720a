"""Editing the staff register one person at a time (administration page): add, edit, move to
another unit, deactivate. Crisis office only, for units in its scope.

Every change appends a ``staff_changes`` row (what the unit and tier became, who changed it), so
a person's moves between units stay readable after the yearly reorganisation; roll-calls already
held keep the unit each person had then. The audit log gets unit codes, never names or addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.services.areas import require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import strip_text
from dashboard.services.rollcall.history import log_change
from dashboard.services.rollcall.register import MAX_LENGTHS, check_row, parse_tier
from dashboard.services.rollcall.vocab import CRISIS_OFFICE, personal_units
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import StaffChange, StaffMember

# Fields a person's entry has besides the employee number (which never changes).
EDITABLE = ("name", "unit_code", "tier", "department", "post", "email", "lineworks_user_id")


@dataclass(frozen=True)
class StaffChangeView:
    kind: str
    unit_code: str
    previous_unit_code: str | None
    tier: int
    changed_at: datetime


def _cleaned(values: dict[str, object], units: frozenset[str]) -> dict[str, object]:
    row = {k: strip_text(None if v is None else str(v)) for k, v in values.items()}
    problems = {
        p.column: (p.key, {"column": p.column, **p.params}) for p in check_row(0, row, units)
    }
    if problems:
        raise ValidationFailed(problems)
    return {
        "name": row["name"],
        "unit_code": row["unit_code"],
        "tier": parse_tier(row["tier"]),
        **{k: row.get(k) or None for k in ("department", "post", "email", "lineworks_user_id")},
    }


def _require_lineworks_free(
    session: Session, lineworks_user_id: object, staff_id: int | None
) -> None:
    """One LINE WORKS id per register person: the bot must know whose roll-call answer it is."""
    if not lineworks_user_id:
        return
    holders = select(StaffMember.employee_number).where(
        StaffMember.lineworks_user_id == lineworks_user_id
    )
    if staff_id is not None:
        holders = holders.where(StaffMember.id != staff_id)
    other = session.scalar(holders.limit(1))
    if other is not None:
        problem = ("rollcall.staff_lineworks_taken", {"number": other})
        raise ValidationFailed({"lineworks_user_id": problem})


def add_staff(engine: Engine, actor: Actor, *, employee_number: str, **values: object) -> int:
    """Add one person to the register; returns their id. ``values``: the fields of EDITABLE."""
    require_role(actor, CRISIS_OFFICE)
    number = strip_text(employee_number)
    with transaction(engine) as session:
        units = scope_codes(session, actor)
        cleaned = _cleaned({"employee_number": number, **values}, units)
        if len(number) > MAX_LENGTHS["employee_number"]:
            raise ValidationFailed({"employee_number": ("rollcall.import.too_long", {"max": 32})})
        taken = select(StaffMember.id).where(StaffMember.employee_number == number)
        if session.scalar(taken) is not None:
            raise ValidationFailed({"employee_number": ("rollcall.staff_number_taken", {})})
        _require_lineworks_free(session, cleaned["lineworks_user_id"], None)
        person = StaffMember(employee_number=number, active=True, **cleaned)
        session.add(person)
        session.flush()
        log_change(session, actor, person, "added")
        record_audit(
            session,
            actor,
            AuditAction.STAFF_ADDED,
            entity="staff_member",
            entity_id=person.id,
            detail={"unit": person.unit_code},
        )
        return person.id


def edit_staff(engine: Engine, actor: Actor, staff_id: int, **values: object) -> None:
    """Change a person's entry; a new unit is a move (kept in the history). ``values``: every
    field of EDITABLE."""
    require_role(actor, CRISIS_OFFICE)
    with transaction(engine) as session:
        units = scope_codes(session, actor)
        person = session.get(StaffMember, staff_id)
        if person is None or person.unit_code not in units:
            raise PermissionDenied()
        cleaned = _cleaned({"employee_number": person.employee_number, **values}, units)
        previous = person.unit_code
        if all(getattr(person, k) == v for k, v in cleaned.items()):
            return
        _require_lineworks_free(session, cleaned["lineworks_user_id"], staff_id)
        for key, value in cleaned.items():
            setattr(person, key, value)
        moved = person.unit_code != previous
        log_change(session, actor, person, "moved" if moved else "edited", previous)
        record_audit(
            session,
            actor,
            AuditAction.STAFF_MOVED if moved else AuditAction.STAFF_EDITED,
            entity="staff_member",
            entity_id=staff_id,
            detail={"from": previous, "to": person.unit_code} if moved else {},
        )


def staff_history(engine: Engine, actor: Actor, staff_id: int) -> list[StaffChangeView]:
    """A person's register changes, oldest first: for the crisis office and the unit's head."""
    with reading(engine) as session:
        person = session.get(StaffMember, staff_id)
        if person is None or person.unit_code not in personal_units(session, actor):
            raise PermissionDenied()
        stmt = select(StaffChange).where(StaffChange.staff_id == staff_id).order_by(StaffChange.id)
        return [
            StaffChangeView(c.kind, c.unit_code, c.previous_unit_code, c.tier, c.changed_at)
            for c in session.scalars(stmt)
        ]
