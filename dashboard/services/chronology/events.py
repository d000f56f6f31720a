"""Chronology (クロノロジー): one time-ordered log of what happened, for the HQ's record.

Each *kind* of event has a collector in ``EVENT_KINDS`` that reads its own table (declarations,
directives, reads, acknowledgements, answers, escalations, damage reports, shelter state changes).
Events are filtered by time, kind and ward, limited to the actor's scope and the current mode
(drill or real), and exported as CSV in UTF-8 with a BOM so that Excel opens it correctly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, String, cast, null, select
from sqlalchemy.orm import Session

from dashboard import timefmt
from dashboard.domain import Actor
from dashboard.i18n import translate
from dashboard.services.areas import AreaTree, area_tree, scope_codes
from dashboard.services.exports import ExportTable, csv_bytes
from dashboard.services.modes import disaster_window, exercise_now
from dashboard.storage.db import reading
from dashboard.storage.models import (
    AuditEntry,
    DamageReport,
    DeliveryHandover,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    Shelter,
    ShelterStatus,
    SituationReport,
    User,
)

# Most events returned at once (the newest); the HQ's log of a long night stays readable.
DEFAULT_LIMIT = 5000
# Up to this many area names are listed; more are shown as a count.
NAMES_LISTED = 3
# Time format of the table and the CSV export.
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class ChronologyEvent:
    at: datetime
    kind: str
    # The areas the event concerns (a ward; every area under a declared city).
    area_codes: frozenset[str]
    place: str
    who: str | None
    text: str


@dataclass
class _Context:
    """What every collector needs: the window, the mode, names, and the language."""

    session: Session
    exercise: bool
    since: datetime | None
    until: datetime | None
    lang: str
    tree: AreaTree
    users: dict[int, str] = field(default_factory=dict)

    def within(self, column):
        conditions = [column.is_not(None)]
        if self.since is not None:
            conditions.append(column >= self.since)
        if self.until is not None:
            conditions.append(column <= self.until)
        return conditions

    def name(self, code: str | None) -> str:
        return "" if code is None else self.tree.name(code, self.lang)

    def place(self, codes: Iterable[str]) -> str:
        codes = sorted(codes)
        if len(codes) <= NAMES_LISTED:
            return "・".join(self.name(c) for c in codes)
        return translate("chrono.areas", self.lang, count=len(codes))

    def below(self, code: str) -> frozenset[str]:
        return self.tree.subtree(code)

    def who(self, user_id: int | None) -> str | None:
        return self.users.get(user_id) if user_id is not None else None

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)


def _declarations(ctx: _Context) -> list[ChronologyEvent]:
    events = []
    rows = ctx.session.scalars(
        select(DisasterDeclaration).where(DisasterDeclaration.exercise == ctx.exercise)
    )
    for d in rows:
        codes = ctx.below(d.scope_code)
        level = ctx.t(f"disaster.level.{d.level}")
        for at, who, key in (
            (d.declared_at, d.declared_by_id, "chrono.text.declared"),
            (d.ended_at, d.ended_by_id, "chrono.text.ended"),
        ):
            if at is None or (ctx.since and at < ctx.since) or (ctx.until and at > ctx.until):
                continue
            text = ctx.t(key, level=level)
            if d.note and at is d.declared_at:
                text += f" — {d.note}"
            events.append(
                ChronologyEvent(
                    at, "declaration", codes, ctx.name(d.scope_code), ctx.who(who), text
                )
            )
    return events


def _directives(ctx: _Context) -> list[ChronologyEvent]:
    targets: dict[int, set[str]] = {}
    directives = ctx.session.scalars(
        select(Directive).where(
            Directive.exercise == ctx.exercise, *ctx.within(Directive.issued_at)
        )
    ).all()
    ids = [d.id for d in directives]
    rows = ctx.session.execute(
        select(DirectiveDelivery.directive_id, DirectiveDelivery.jurisdiction_code).where(
            DirectiveDelivery.directive_id.in_(ids)
        )
    )
    for directive_id, code in rows:
        targets.setdefault(directive_id, set()).add(code)
    return [
        ChronologyEvent(
            d.issued_at,
            "directive",
            frozenset(targets.get(d.id, set()) | {d.scope_code}),
            ctx.place(targets.get(d.id, ())),
            ctx.who(d.issued_by_id),
            ctx.t(
                f"chrono.text.{d.kind}",
                title=d.title,
                priority=ctx.t(f"channel.priority.{d.priority}"),
            ),
        )
        for d in directives
    ]


def _delivery_steps(kind: str, at_column, by_column, text_key: str):
    """A collector for one step of the deliveries (read, acknowledged, escalated)."""
    by_column = by_column if by_column is not None else null().label("by")

    def collect(ctx: _Context) -> list[ChronologyEvent]:
        rows = ctx.session.execute(
            select(DirectiveDelivery.jurisdiction_code, at_column, by_column, Directive.title)
            .join(Directive, Directive.id == DirectiveDelivery.directive_id)
            .where(Directive.exercise == ctx.exercise, *ctx.within(at_column))
        )
        return [
            ChronologyEvent(
                at,
                kind,
                frozenset({code}),
                ctx.name(code),
                ctx.who(by),
                ctx.t(text_key, title=title),
            )
            for code, at, by, title in rows
        ]

    return collect


def _answers(ctx: _Context) -> list[ChronologyEvent]:
    # Every answer is kept in the audit log; the delivery row holds only the latest.
    rows = ctx.session.execute(
        select(AuditEntry, Directive.title)
        # Compared as text: audit entity ids of other actions need not be numbers.
        .join(DirectiveDelivery, cast(DirectiveDelivery.id, String) == AuditEntry.entity_id)
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .where(
            AuditEntry.action == "directive.answered",
            AuditEntry.exercise == ctx.exercise,
            *ctx.within(AuditEntry.at),
        )
    )
    events = []
    for entry, title in rows:
        code = entry.detail.get("ward")
        status = ctx.t(f"answer.{entry.detail.get('status')}")
        text = ctx.t("chrono.text.answered", title=title, status=status)
        if entry.detail.get("text"):
            text += f" — {entry.detail['text']}"
        events.append(
            ChronologyEvent(
                entry.at, "answer", frozenset({code}), ctx.name(code), ctx.who(entry.user_id), text
            )
        )
    return events


def _handovers(ctx: _Context) -> list[ChronologyEvent]:
    """Stand-in steps (代行): a directive passed to the next deputy of a unit."""
    rows = ctx.session.execute(
        select(DeliveryHandover, DirectiveDelivery.jurisdiction_code, Directive.title)
        .join(DirectiveDelivery, DirectiveDelivery.id == DeliveryHandover.delivery_id)
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .where(Directive.exercise == ctx.exercise, *ctx.within(DeliveryHandover.at))
    )
    return [
        ChronologyEvent(
            h.at,
            "handover",
            frozenset({code}),
            ctx.name(code),
            None,
            ctx.t(
                "chrono.text.handover",
                title=title,
                holder=ctx.t("hq.rank.deputy", n=h.rank),
                reason=ctx.t(f"hq.reason.{h.reason}"),
            ),
        )
        for h, code, title in rows
    ]


def _damage_reports(ctx: _Context) -> list[ChronologyEvent]:
    rows = ctx.session.scalars(
        select(DamageReport).where(
            DamageReport.exercise == ctx.exercise, *ctx.within(DamageReport.reported_at)
        )
    )
    events = []
    for r in rows:
        text = ctx.t(
            "chrono.text.damage",
            category=ctx.t(f"category.{r.category}"),
            severity=r.severity,
            place=r.location_text or f"{r.lat:.5f}, {r.lon:.5f}",
        )
        if r.description:
            text += f" — {r.description}"
        codes = frozenset(c for c in (r.ward_code, r.reporter_ward_code) if c)
        events.append(
            ChronologyEvent(
                r.reported_at,
                "damage_report",
                codes,
                ctx.name(r.ward_code),
                ctx.who(r.reported_by_id),
                text,
            )
        )
    return events


def _shelter_changes(ctx: _Context) -> list[ChronologyEvent]:
    """A shelter's state changes (a first report counts); counts-only updates are left out."""
    stmt = (
        select(ShelterStatus, Shelter.name, Shelter.ward_code)
        .join(Shelter, Shelter.id == ShelterStatus.shelter_id)
        .where(ShelterStatus.exercise == ctx.exercise)
        .order_by(ShelterStatus.shelter_id, ShelterStatus.reported_at, ShelterStatus.id)
    )
    if ctx.until is not None:
        stmt = stmt.where(ShelterStatus.reported_at <= ctx.until)
    events, previous = [], {}
    for status, name, code in ctx.session.execute(stmt):
        changed = previous.get(status.shelter_id) != status.state
        previous[status.shelter_id] = status.state
        if not changed or (ctx.since is not None and status.reported_at < ctx.since):
            continue
        text = ctx.t(
            "chrono.text.shelter",
            name=name,
            state=ctx.t(f"shelter_state.{status.state}"),
            evacuees=status.evacuees,
        )
        events.append(
            ChronologyEvent(
                status.reported_at,
                "shelter_status",
                frozenset({code}),
                ctx.name(code),
                ctx.who(status.reported_by_id),
                text,
            )
        )
    return events


def _situation_reports(ctx: _Context) -> list[ChronologyEvent]:
    """Issued 第N報 (the figures stay on the report; the log says who issued which number)."""
    rows = ctx.session.scalars(
        select(SituationReport).where(
            SituationReport.exercise == ctx.exercise, *ctx.within(SituationReport.issued_at)
        )
    )
    return [
        ChronologyEvent(
            r.issued_at,
            "situation_report",
            frozenset({r.body_code}),
            ctx.name(r.body_code),
            r.issued_by_name,
            ctx.t(
                "chrono.text.situation_report", number=r.number, name=r.figures["disaster"]["name"]
            ),
        )
        for r in rows
    ]


# Every kind of event and its collector, in the order the filter offers them.
EVENT_KINDS: dict[str, Callable[[_Context], list[ChronologyEvent]]] = {
    "declaration": _declarations,
    "directive": _directives,
    "read": _delivery_steps(
        "read", DirectiveDelivery.read_at, DirectiveDelivery.read_by_id, "chrono.text.read"
    ),
    "acknowledgement": _delivery_steps(
        "acknowledgement",
        DirectiveDelivery.acknowledged_at,
        DirectiveDelivery.acknowledged_by_id,
        "chrono.text.acknowledged",
    ),
    "answer": _answers,
    "escalation": _delivery_steps(
        "escalation",
        DirectiveDelivery.escalated_at,
        None,
        "chrono.text.escalated",
    ),
    "handover": _handovers,
    "damage_report": _damage_reports,
    "shelter_status": _shelter_changes,
    "situation_report": _situation_reports,
}


def list_events(
    engine: Engine,
    actor: Actor,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    kinds: Iterable[str] | None = None,
    ward_code: str | None = None,
    disaster_id: int | None = None,
    lang: str = "ja",
    limit: int = DEFAULT_LIMIT,
) -> list[ChronologyEvent]:
    """Events in the actor's scope and the current mode, oldest first (the newest ``limit``);
    with ``disaster_id`` only what falls under that disaster (its time window and area)."""
    chosen = [k for k in (kinds if kinds is not None else EVENT_KINDS) if k in EVENT_KINDS]
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        if disaster_id is not None:
            start, end, area = disaster_window(session, actor, disaster_id)
            since = max(since, start) if since else start
            until = min(until, end) if until and end else (until or end)
            scope = scope & area
        ctx = _Context(session, exercise_now(session), since, until, lang, area_tree(session))
        ctx.users = dict(session.execute(select(User.id, User.display_name)).all())
        events = [event for kind in chosen for event in EVENT_KINDS[kind](ctx)]
    events = [
        e
        for e in events
        if e.area_codes & scope and (ward_code is None or ward_code in e.area_codes)
    ]
    events.sort(key=lambda e: (e.at, list(EVENT_KINDS).index(e.kind)))
    return events[-limit:]


def local_time(at: datetime) -> str:
    """Date and time to the second in the deployment's zone (Asia/Tokyo), for the log and CSV."""
    return timefmt.local(at).strftime(TIME_FORMAT)


def events_csv(events: Iterable[ChronologyEvent], *, lang: str = "ja") -> bytes:
    """The events as CSV in UTF-8 with a BOM; no cell runs as a spreadsheet formula."""
    header = [translate(f"chrono.col.{c}", lang) for c in ("time", "kind", "place", "who", "text")]
    rows = [
        (local_time(e.at), translate(f"chrono.kind.{e.kind}", lang), e.place, e.who, e.text)
        for e in events
    ]
    return csv_bytes(ExportTable("chronology", header, rows))
