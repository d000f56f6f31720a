"""The staff register's history: one appended ``staff_changes`` row per change of a person."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.storage.models import StaffChange, StaffMember

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
