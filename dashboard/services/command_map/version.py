"""The data version: what the data looks like now, read in one cheap query.

Everything the map derives is cached per process under this version, so a refresh with no new
data costs this query and some pandas filtering. Every write through the services records an
audit entry, so it changes the version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.storage.db import reading
from dashboard.storage.models import (
    AuditEntry,
    DamageReport,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    Exercise,
    Jurisdiction,
    Shelter,
    ShelterStatus,
)


@dataclass(frozen=True)
class DataVersion:
    """What the data looks like now, by table group; every part is cheap to read."""

    areas: tuple
    audit: int | None
    reports: int | None
    shelters: tuple
    directives: tuple
    modes: tuple

    @property
    def exercise(self) -> bool:
        """Whether a drill is running (views then show drill data)."""
        return bool(self.modes[-1])

    @property
    def drill_clears(self) -> tuple:
        """Changes when drill data is deleted (reports can disappear only then)."""
        return self.modes[3:6]


# Per part, the aggregates read (ids are primary keys; the other tables are small).
_VERSION_PARTS: dict[str, tuple] = {
    "areas": (func.count(Jurisdiction.code), func.max(Jurisdiction.updated_at)),
    "audit": (func.max(AuditEntry.id),),
    "reports": (func.max(DamageReport.id),),
    "shelters": (func.count(Shelter.id), func.max(Shelter.updated_at), func.max(ShelterStatus.id)),
    "directives": (
        func.max(Directive.id),
        func.max(DirectiveDelivery.id),
        func.max(DirectiveDelivery.acknowledged_at),
        func.max(DirectiveDelivery.answered_at),
    ),
    "modes": (
        func.count(DisasterDeclaration.id),
        func.max(DisasterDeclaration.id),
        func.max(DisasterDeclaration.ended_at),
        func.max(Exercise.id),
        func.max(Exercise.ended_at),
        func.max(Exercise.cleared_at),
        func.count(Exercise.id).filter(Exercise.ended_at.is_(None)),
    ),
}
_SINGLE_VALUE_PARTS = ("audit", "reports")


def read_data_version(session: Session) -> DataVersion:
    """The data version, in one query of scalar subqueries."""
    columns = [
        select(expression).scalar_subquery()
        for group in _VERSION_PARTS.values()
        for expression in group
    ]
    row = list(session.execute(select(*columns)).one())
    values: dict[str, Any] = {}
    for name, group in _VERSION_PARTS.items():
        part, row = tuple(row[: len(group)]), row[len(group) :]
        values[name] = part[0] if name in _SINGLE_VALUE_PARTS else part
    return DataVersion(**values)


def data_version(engine: Engine) -> DataVersion:
    with reading(engine) as session:
        return read_data_version(session)
