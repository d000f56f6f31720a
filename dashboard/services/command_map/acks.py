"""The directive the map follows: the latest one sent to any area of the map, and per area
whether it has acknowledged (了解) it yet — now, or at a past moment of the replay.

The map shows those areas as waiting until each acknowledges; the data version changes with
every acknowledgement, so the next refresh fills it in.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from dashboard.storage.db import reading
from dashboard.storage.models import Directive, DirectiveDelivery

# An area's state for the followed directive, as the map draws it.
ACK_WAITING, ACK_DONE = "waiting", "done"


@dataclass(frozen=True)
class TrackedDirective:
    """The latest directive to the map's areas and, per addressed area, when it acknowledged
    (None: not yet)."""

    id: int
    title: str
    priority: str
    issued_at: datetime
    acknowledged: dict[str, datetime | None]

    @property
    def waiting(self) -> list[str]:
        return sorted(code for code, at in self.acknowledged.items() if at is None)

    @property
    def done(self) -> list[str]:
        return sorted(code for code, at in self.acknowledged.items() if at is not None)

    def state(self, code: str, ancestors: Collection[str] = ()) -> str | None:
        """``waiting``/``done`` for an area addressed itself or through an area above it (a
        governor's directive to a city covers its wards), else None."""
        for candidate in (code, *ancestors):
            if candidate in self.acknowledged:
                return ACK_DONE if self.acknowledged[candidate] else ACK_WAITING
        return None


def tracked_directive(
    engine: Engine, *, codes: Collection[str], exercise: bool, as_of: datetime | None = None
) -> TrackedDirective | None:
    """The latest directive of the mode (issued by ``as_of``) delivered to any of ``codes``."""
    latest = (
        select(Directive)
        .where(
            Directive.exercise == exercise,
            Directive.id.in_(
                select(DirectiveDelivery.directive_id).where(
                    DirectiveDelivery.jurisdiction_code.in_(sorted(codes))
                )
            ),
        )
        .order_by(Directive.issued_at.desc(), Directive.id.desc())
        .limit(1)
    )
    if as_of is not None:
        latest = latest.where(Directive.issued_at <= as_of)
    with reading(engine) as session:
        directive = session.scalars(latest).first()
        if directive is None:
            return None
        rows = session.execute(
            select(DirectiveDelivery.jurisdiction_code, DirectiveDelivery.acknowledged_at).where(
                DirectiveDelivery.directive_id == directive.id
            )
        ).all()
        acknowledged = {
            code: at if at is not None and (as_of is None or at <= as_of) else None
            for code, at in rows
        }
        return TrackedDirective(
            id=directive.id,
            title=directive.title,
            priority=directive.priority,
            issued_at=directive.issued_at,
            acknowledged=acknowledged,
        )
