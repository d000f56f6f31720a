"""第4号様式 その1 (災害概況即報): the first, quick report of a disaster.

It is a 第N報 like その2, in the same numbering per disaster and reporting body (so 第1報 is
usually an その1 and the lateness tracking counts it), issued in one click as an immutable
snapshot. It carries a few figures — 死者, 行方不明者, 負傷者 and their 計 (人); 住家 全壊, 半壊,
一部破損, 床上浸水 (棟) — the 災害対策本部等 from the declarations, and four texts: 発生場所,
発生日時, 概況 and 応急対策の状況. A figure nobody confirmed is 未確認 (None), never 0.

``summary_starting_text`` offers a starting text for the four texts: the body and the disaster's
start, and for 応急対策 the staff roll-calls' 参集状況 and the directives sent since the disaster
opened — the official edits it before issuing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Engine

from dashboard.domain import Actor
from dashboard.errors import ServiceError
from dashboard.services import directives, rollcall
from dashboard.services.sitreports.reports import draft_report, issue_report
from dashboard.services.sitreports.snapshot import SUMMARY, SitrepView
from dashboard.timefmt import local

# その1's figures: (key, section, label, unit, row keys summed). A sum with an unknown part is
# unknown (未確認), never a lower bound printed as a number.
SUMMARY_FIGURES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("dead", "人的被害", "死者", "人", ("dead",)),
    ("missing", "人的被害", "不明", "人", ("missing",)),
    (
        "injured",
        "人的被害",
        "負傷者",
        "人",
        ("injured_serious", "injured_minor", "injured_unclassified"),
    ),
    (
        "casualties",
        "人的被害",
        "計",
        "人",
        (
            "dead",
            "missing",
            "injured_serious",
            "injured_minor",
            "injured_unclassified",
        ),
    ),
    ("total_collapse", "住家被害", "全壊", "棟", ("total_collapse_buildings",)),
    ("half_collapse", "住家被害", "半壊", "棟", ("half_collapse_buildings",)),
    ("partial", "住家被害", "一部破損", "棟", ("partial_buildings",)),
    ("flood_above", "住家被害", "床上浸水", "棟", ("flood_above_buildings",)),
)
TIME_FORMAT = "%Y年%m月%d日 %H時%M分"
# How many directives the starting text lists (the newest).
DIRECTIVES_LISTED = 10


def summary_figures(view: SitrepView) -> list[tuple[str, str, str, str, int | None]]:
    """(key, section, label, unit, value or None for 未確認) of その1, from the report's totals."""
    found = []
    for key, section, label, unit, parts in SUMMARY_FIGURES:
        values = [view.total.get(p, [None])[0] for p in parts]
        partial = any(len(view.total.get(p, ())) > 2 and view.total[p][2] for p in parts)
        value = None if None in values or partial else sum(values)
        found.append((key, section, label, unit, value))
    return found


def draft_summary_report(
    engine: Engine,
    actor: Actor,
    disaster_id: int,
    *,
    body_code: str,
    as_of: datetime | None = None,
) -> SitrepView:
    """The next 第N報 of ``body_code`` on その1, as it would be issued now (nothing stored)."""
    return draft_report(engine, actor, disaster_id, body_code=body_code, as_of=as_of, form=SUMMARY)


def issue_summary_report(
    engine: Engine,
    actor: Actor,
    disaster_id: int,
    *,
    body_code: str,
    submission_id: str,
    texts: Mapping[str, str | None] | None = None,
    as_of: datetime | None = None,
) -> int:
    """Issue 第4号様式 その1 (災害概況即報) as the next 第N報 of ``body_code`` (the actor's own
    municipality or prefecture): an immutable snapshot, numbered with その2 in one sequence.

    ``texts`` holds ``place`` (発生場所), ``occurred_at`` (発生日時), ``overview`` (概況) and
    ``response`` (応急対策の状況); ``summary_starting_text`` offers a start for each. Returns the
    report's id; the same ``submission_id`` again returns the same id (a repeated click)."""
    return issue_report(
        engine,
        actor,
        disaster_id,
        body_code=body_code,
        submission_id=submission_id,
        remarks=texts,
        as_of=as_of,
        form=SUMMARY,
    )


def summary_starting_text(
    engine: Engine, actor: Actor, disaster_id: int, *, body_code: str
) -> dict[str, str]:
    """A starting text for その1's items: the body, the disaster's start, and for 応急対策 the
    roll-calls' 参集状況 and the directives sent since the disaster opened."""
    view = draft_summary_report(engine, actor, disaster_id, body_code=body_code)
    started = view.disaster_started_at
    lines = [*_rollcall_lines(engine, actor, started), *_directive_lines(engine, actor, started)]
    return {
        "place": view.body_name,
        "occurred_at": local(started).strftime(TIME_FORMAT) if started else "",
        "overview": view.disaster_name,
        "response": "\n".join(lines),
    }


def _rollcall_lines(engine: Engine, actor: Actor, since: datetime | None) -> list[str]:
    try:
        calls = rollcall.list_rollcalls(engine, actor)
    except ServiceError:
        return []  # a role without the roll-call board: nothing to offer
    lines = []
    for call in calls:
        if since is not None and call.started_at < since:
            continue
        total = rollcall.board(engine, actor, call.id).total
        lines.append(
            f"・職員参集（{call.title}、{local(call.started_at):%m/%d %H:%M}〜）: "
            f"参集 {total.arrived}人／必要 {total.required}人（{total.rate:.0%}）、"
            f"安否回答 {total.answered}人／{total.called}人"
        )
    return lines


def _directive_lines(engine: Engine, actor: Actor, since: datetime | None) -> list[str]:
    try:
        sent = directives.list_directives(engine, actor, limit=DIRECTIVES_LISTED)
    except ServiceError:
        return []
    return [
        f"・{local(d.issued_at):%m/%d %H:%M} 指示「{d.title}」"
        f"（{d.wards}区、了解 {d.acknowledged}）"
        for d in reversed(sent)
        if since is None or d.issued_at >= since
    ]
