"""The side panel of a clicked ward: its shelters (most pressing first), its active reports in
the time window by category, casualties, and the directives it has not acknowledged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, select

from dashboard.clock import utcnow
from dashboard.domain import CASUALTY_FIELDS, DAMAGE_CATEGORIES, Actor, ShelterState
from dashboard.errors import NotFound
from dashboard.services.command_map.basis import load_basis
from dashboard.services.command_map.filters import (
    DEFAULT_REVIEW_STATES,
    MapFilters,
    filter_reports,
)
from dashboard.services.situation import WardSituation
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading
from dashboard.storage.models import Directive, DirectiveDelivery

# Shelter states in the order the side panel lists them (most pressing first); a shelter that
# never reported comes before the closed ones.
SHELTER_STATE_ORDER = {
    ShelterState.FULL.value: 0,
    ShelterState.OPEN.value: 1,
    ShelterState.PREPARING.value: 2,
    ShelterState.CLOSED.value: 4,
}
UNREPORTED_ORDER = 3


@dataclass(frozen=True)
class PendingDirective:
    """A directive the ward has not acknowledged yet."""

    title: str
    priority: str
    issued_at: datetime
    deadline: datetime | None
    read: bool


@dataclass(frozen=True)
class WardDetail:
    """The side panel of a clicked ward."""

    code: str
    name: str
    situation: WardSituation
    shelters: pd.DataFrame
    reports_by_category: dict[str, int]
    pending_directives: list[PendingDirective]

    @property
    def casualties(self) -> dict[str, int]:
        return {name: getattr(self.situation, name) for name in CASUALTY_FIELDS}


def _pending_directives(
    engine: Engine, code: str, exercise: bool, as_of: datetime | None = None
) -> list[PendingDirective]:
    """The ward's directives not acknowledged (at ``as_of``, if given: issued by then and not
    acknowledged or read before it)."""
    ack, read_at = DirectiveDelivery.acknowledged_at, DirectiveDelivery.read_at
    if as_of is None:
        waiting = ack.is_(None)
    else:
        waiting = (Directive.issued_at <= as_of) & (ack.is_(None) | (ack > as_of))
    stmt = (
        select(
            Directive.title,
            Directive.priority,
            Directive.issued_at,
            Directive.deadline,
            read_at,
        )
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .where(
            DirectiveDelivery.jurisdiction_code == code,
            waiting,
            Directive.exercise == exercise,
        )
        .order_by(Directive.issued_at.desc(), Directive.id.desc())
    )
    with reading(engine) as session:
        return [
            PendingDirective(
                title,
                priority,
                issued_at,
                deadline,
                read is not None and (not as_of or read <= as_of),
            )
            for title, priority, issued_at, deadline, read in session.execute(stmt)
        ]


def ward_detail(
    engine: Engine,
    actor: Actor,
    code: str,
    *,
    filters: MapFilters | None = None,
    lang: str = "ja",
    now: datetime | None = None,
    settings: Settings | None = None,
    as_of: datetime | None = None,
) -> WardDetail:
    """One ward (or ward-less municipality): its shelters, its active reports in the time
    window by category, casualties, last report and the directives it has not acknowledged;
    with ``as_of``, as they were at that past moment."""
    filters = filters or MapFilters()
    settings = settings or get_settings()
    now = as_of or now or utcnow()
    basis = load_basis(engine, actor)
    code = basis.check_area(code)
    since = filters.since(now)
    situation = basis.situations(since=since, now=now, settings=settings, as_of=as_of).get(code)
    if situation is None:  # a city or prefecture: the panel is for the smallest areas
        raise NotFound()
    shelters = basis.shelters(as_of)
    shelters = shelters.loc[shelters["ward_code"] == code].copy()
    shelters["order"] = shelters["state"].map(
        lambda s: SHELTER_STATE_ORDER.get(s, UNREPORTED_ORDER)
    )
    shelters = shelters.sort_values(["order", "name"]).drop(columns="order")
    _, reports = basis.reports(as_of)
    active = MapFilters(window=filters.window, review_states=DEFAULT_REVIEW_STATES)
    reports = filter_reports(reports, active, codes=frozenset({code}), now=now)
    counts = reports.loc[reports["ward_code"] == code, "category"].value_counts()
    by_category = {key: int(counts[key]) for key in DAMAGE_CATEGORIES if key in counts.index}
    key = ("pending", basis.version.directives, basis.version.modes, code, as_of)
    pending = basis.cache.remember(
        key, lambda: _pending_directives(engine, code, basis.version.exercise, as_of)
    )
    return WardDetail(
        code=code,
        name=basis.tree.name(code, lang),
        situation=situation,
        shelters=shelters.reset_index(drop=True),
        reports_by_category=by_category,
        pending_directives=pending,
    )
