"""The staff register's history: one appended ``staff_changes`` row per change of a person."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.storage.models import StaffChange, StaffMember, utcnow

# Kinds of a register change, as stored in staff_changes.kind.
CHANGE_KINDS = ("added", "edited", "moved", "deactivated", "activated", "imported")


def log_change(
    session: Session, actor: Actor, person: StaffMember, kind: str, previous: str | None = None
) -> None:
    """Append what ``person``'s unit and tier became (in the caller's transaction)."""
    if kind not in CHANGE_KINDS:
        raise ValueError(f"kind must be one of {CHANGE_KINDS}")
    session.add(
        StaffChange(
            staff_id=person.id,
            kind=kind,
            unit_code=person.unit_code,
            previous_unit_code=previous,
            tier=person.tier,
            changed_by_id=actor.user_id,
        )
    )


def log_changes(
    session: Session, actor: Actor, changes: list[tuple[StaffMember, str | None]], kind: str
) -> None:
    """``log_change`` for many people at once (an import): one multi-row insert."""
    if kind not in CHANGE_KINDS:
        raise ValueError(f"kind must be one of {CHANGE_KINDS}")
    if not changes:
        return
    now = utcnow()
    rows = [
        {
            "staff_id": person.id,
            "kind": kind,
            "unit_code": person.unit_code,
            "previous_unit_code": previous,
            "tier": person.tier,
            "changed_by_id": actor.user_id,
            "changed_at": now,
        }
        for person, previous in changes
    ]
    session.execute(insert(StaffChange), rows)
