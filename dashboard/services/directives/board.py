"""The tracking board: per directive and ward, how far each delivery got and on which channels.

Services return data; the page (``dashboard.ui.directives.py``) translates and formats it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, aliased

from dashboard.domain import Actor
from dashboard.errors import NotFound, PermissionDenied
from dashboard.services.areas import area_frame, require_role, scope_codes
from dashboard.services.delivery import ChannelState, channel_states
from dashboard.services.directives.send import SENDER_ROLES
from dashboard.services.hq import current_holding, holder_rank_at, holders_in_force
from dashboard.services.modes import exercise_now
from dashboard.storage.db import reading
from dashboard.storage.models import (
    DeliveryHandover,
    Directive,
    DirectiveDelivery,
    Jurisdiction,
    User,
)


@dataclass(frozen=True)
class DirectiveSummary:
    id: int
    kind: str
    template: str | None
    title: str
    body: str
    priority: str
    deadline: datetime | None
    issued_at: datetime
    issued_by: str | None
    exercise: bool
    wards: int
    acknowledged: int
    answered: int
    escalated: int


@dataclass(frozen=True)
class BoardRow:
    """One ward's progress on a directive."""

    delivery_id: int
    ward_code: str
    name_ja: str
    name_en: str | None
    delivered_at: datetime | None
    read_at: datetime | None
    acknowledged_at: datetime | None
    answered_at: datetime | None
    answer_status: str | None
    answer_text: str | None
    reminder_count: int
    escalated_at: datetime | None
    minutes_to_ack: float | None
    channels: tuple[ChannelState, ...]
    # Units with a head and deputies: who acknowledged (0 head, n deputy n; None: not a holder,
    # or through a link), their name, who holds it now, and each stand-in step (rank, reason, at).
    acknowledged_rank: int | None = None
    acknowledged_by: str | None = None
    holder_rank: int | None = None
    handovers: tuple[tuple[int, str, datetime], ...] = ()

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_ja


@dataclass(frozen=True)
class Board:
    directive: DirectiveSummary
    rows: tuple[BoardRow, ...]

    @property
    def share_acknowledged(self) -> float:
        return sum(r.acknowledged_at is not None for r in self.rows) / len(self.rows)

    @property
    def unacknowledged(self) -> tuple[str, ...]:
        return tuple(r.ward_code for r in self.rows if r.acknowledged_at is None)


def visible_directive(session: Session, actor: Actor, directive_id: int) -> Directive:
    """The directive, if the actor is a sender whose scope it was sent in."""
    require_role(actor, SENDER_ROLES)
    directive = session.get(Directive, directive_id)
    if directive is None:
        raise NotFound()
    if directive.scope_code not in scope_codes(session, actor):
        raise PermissionDenied()
    return directive


def _summaries(session: Session, stmt) -> list[DirectiveSummary]:
    issuer = aliased(User)
    counts = (
        select(
            DirectiveDelivery.directive_id,
            func.count().label("wards"),
            func.count(DirectiveDelivery.acknowledged_at).label("acknowledged"),
            func.count(DirectiveDelivery.answered_at).label("answered"),
            func.count(DirectiveDelivery.escalated_at).label("escalated"),
        )
        .group_by(DirectiveDelivery.directive_id)
        .subquery()
    )
    rows = session.execute(
        stmt.add_columns(
            issuer.display_name,
            counts.c.wards,
            counts.c.acknowledged,
            counts.c.answered,
            counts.c.escalated,
        )
        .outerjoin(issuer, issuer.id == Directive.issued_by_id)
        .outerjoin(counts, counts.c.directive_id == Directive.id)
    )
    return [
        DirectiveSummary(
            d.id,
            d.kind,
            d.template,
            d.title,
            d.body,
            d.priority,
            d.deadline,
            d.issued_at,
            by,
            d.exercise,
            wards or 0,
            acked or 0,
            answered or 0,
            escalated or 0,
        )
        for d, by, wards, acked, answered, escalated in rows
    ]


def list_directives(engine: Engine, actor: Actor, *, limit: int = 50) -> list[DirectiveSummary]:
    """Directives sent within the actor's scope (current mode only), newest first."""
    require_role(actor, SENDER_ROLES)
    with reading(engine) as session:
        stmt = (
            select(Directive)
            .where(
                Directive.scope_code.in_(scope_codes(session, actor)),
                Directive.exercise == exercise_now(session),
            )
            .order_by(Directive.issued_at.desc(), Directive.id.desc())
            .limit(limit)
        )
        return _summaries(session, stmt)


def directive_board(engine: Engine, actor: Actor, directive_id: int) -> Board:
    """Per ward: delivered, read, acknowledged, answered, minutes to acknowledge, channels."""
    with reading(engine) as session:
        directive = visible_directive(session, actor, directive_id)
        (summary,) = _summaries(session, select(Directive).where(Directive.id == directive.id))
        rows = session.execute(
            select(DirectiveDelivery, Jurisdiction.name_ja, Jurisdiction.name_en)
            .join(Jurisdiction, Jurisdiction.code == DirectiveDelivery.jurisdiction_code)
            .where(DirectiveDelivery.directive_id == directive.id)
            .order_by(DirectiveDelivery.jurisdiction_code)
        ).all()
        channels = channel_states(session, [d.id for d, _, _ in rows])
        holders = _holders(session, [d for d, _, _ in rows])
        return Board(
            summary,
            tuple(
                BoardRow(
                    delivery_id=d.id,
                    ward_code=d.jurisdiction_code,
                    name_ja=name_ja,
                    name_en=name_en,
                    delivered_at=d.delivered_at,
                    read_at=d.read_at,
                    acknowledged_at=d.acknowledged_at,
                    answered_at=d.answered_at,
                    answer_status=d.answer_status,
                    answer_text=d.answer_text,
                    reminder_count=d.reminder_count,
                    escalated_at=d.escalated_at,
                    minutes_to_ack=(
                        (d.acknowledged_at - directive.issued_at).total_seconds() / 60
                        if d.acknowledged_at
                        else None
                    ),
                    channels=tuple(channels.get(d.id, ())),
                    **holders.get(d.id, {}),
                )
                for d, name_ja, name_en in rows
            ),
        )


def _holders(session: Session, deliveries: list[DirectiveDelivery]) -> dict[int, dict]:
    """Per delivery to a unit with holders: who acknowledged, who holds it, the stand-in steps."""
    in_force = holders_in_force(session, sorted({d.jurisdiction_code for d in deliveries}))
    ids = [d.id for d in deliveries]
    steps: dict[int, list[tuple[int, str, datetime]]] = {}
    for h in session.scalars(
        select(DeliveryHandover)
        .where(DeliveryHandover.delivery_id.in_(ids))
        .order_by(DeliveryHandover.rank)
    ):
        steps.setdefault(h.delivery_id, []).append((h.rank, h.reason, h.at))
    holding = current_holding(session, ids)
    by = {d.acknowledged_by_id for d in deliveries if d.acknowledged_by_id is not None}
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(by))).all())
    found = {}
    for d in deliveries:
        holders = in_force.get(d.jurisdiction_code)
        if not holders and d.id not in steps:
            continue
        found[d.id] = {
            "acknowledged_rank": (
                holder_rank_at(
                    session, d.jurisdiction_code, d.acknowledged_by_id, d.acknowledged_at
                )
                if d.acknowledged_at
                else None
            ),
            "acknowledged_by": names.get(d.acknowledged_by_id),
            "holder_rank": holding.get(d.id, (holders[0].rank if holders else 0, None))[0],
            "handovers": tuple(steps.get(d.id, ())),
        }
    return found


def board_areas(engine: Engine, actor: Actor, board: Board) -> gpd.GeoDataFrame:
    """The target wards' polygons (EPSG:4326) with an ``acknowledged`` column, for the map."""
    require_role(actor, SENDER_ROLES)
    acknowledged = {r.ward_code: r.acknowledged_at is not None for r in board.rows}
    with reading(engine) as session:
        frame = area_frame(session, codes=frozenset(acknowledged))
    frame["acknowledged"] = frame["code"].map(acknowledged).astype(bool)
    return frame
