"""The home page of those who command (mayor, governor, crisis office, viewer): the situation
in one screen, each figure a link to the page that acts on it.

Every count is cheap at 100,000 reports: the levels and silent wards come from the command
map's per-process cache (``command_map.scope_situations``, one computation per data version
and minute for all sessions), the rest from small SQL counts.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import Actor
from dashboard.errors import PermissionDenied, ServiceError
from dashboard.services import command_map, directives, modes, rollcall, sitreports
from dashboard.timefmt import format_time
from dashboard.ui import navigation, state
from dashboard.ui.state import plain, t

# How many names a line lists before "…".
NAMES_SHOWN = 6
# Directives looked at for the "not yet acknowledged" count (newest first).
RECENT_DIRECTIVES = 20


def _names(names: list[str]) -> str:
    shown = "・".join(plain(n) for n in names[:NAMES_SHOWN])  # imported names: never markup
    return shown + ("…" if len(names) > NAMES_SHOWN else "")


def levels(engine: Engine, actor: Actor, now: datetime) -> None:
    """Areas per situation level, and the silent ones by name."""
    situations = command_map.scope_situations(engine, actor, now=now)
    lang = state.lang()
    by_level = dict.fromkeys(range(4, -1, -1), 0)
    for s in situations.values():
        by_level[s.level] = by_level.get(s.level, 0) + 1
    silent = [(s.name_en if lang == "en" and s.name_en else s.name_ja)
              for s in situations.values() if s.silent]  # fmt: skip
    cols = st.columns(5)
    for column, (level, count) in zip(cols, by_level.items(), strict=True):
        column.metric(t("home.level", level=level), t("home.areas", count=count))
    if silent:
        st.warning(
            t("home.silent", count=len(silent), names=_names(silent)), icon=":material/wifi_off:"
        )
    else:
        st.caption(t("home.no_silent"))


def open_directives(engine: Engine, actor: Actor) -> int:
    """Directives of the scope still waiting for some area's 了解 (the newest first)."""
    try:
        sent = directives.list_directives(engine, actor, limit=RECENT_DIRECTIVES)
    except PermissionDenied:
        return 0  # a viewer sends nothing
    waiting = [d for d in sent if d.acknowledged < d.wards]
    if waiting:
        newest = waiting[0]
        st.warning(
            t("home.unacknowledged", count=len(waiting), title=plain(newest.title),
              done=newest.acknowledged, total=newest.wards),
            icon=":material/campaign:",
        )  # fmt: skip
    else:
        st.caption(t("home.all_acknowledged"))
    return len(waiting)


def turnout(engine: Engine, actor: Actor) -> None:
    """参集率 of the roll-call running now, if any."""
    running = [r for r in rollcall.list_rollcalls(engine, actor, limit=5) if r.ended_at is None]
    if not running:
        st.caption(t("home.no_rollcall"))
        return
    try:
        board = rollcall.board(engine, actor, running[0].id)
    except (PermissionDenied, ServiceError):
        return
    total = board.total
    st.info(
        t("home.turnout", title=plain(running[0].title), rate=f"{total.rate:.0%}",
          arrived=total.arrived, required=total.required, answered=total.answered,
          called=total.called),
        icon=":material/groups:",
    )  # fmt: skip


def next_report(engine: Engine, actor: Actor, now: datetime) -> None:
    """The next 第N報 due (the city's own; the governor: the municipalities late with theirs)."""
    lines = []
    for disaster in modes.list_disasters(engine, actor):
        if disaster.ended_at is not None:
            continue
        try:
            statuses = sitreports.reporting_status(engine, actor, disaster.id, now=now)
        except (PermissionDenied, ServiceError):
            continue
        own = [s for s in statuses if s.code == actor.jurisdiction_code]  # the governor: none
        late = [s for s in statuses if s.late]
        due = min((s.next_due for s in own if s.next_due), default=None)
        if due is not None:
            number = min((s.latest_number or 0) + 1 for s in own)
            lines.append(t("home.next_report", name=plain(disaster.name), number=number,
                           time=format_time(due, state.lang(), date=True)))  # fmt: skip
        if late:
            names = _names([s.name for s in late])
            lines.append(t("home.late_reports", count=len(late), names=names))
    if lines:
        st.info("  \n".join(lines), icon=":material/summarize:")


def show(engine: Engine, actor: Actor, now: datetime) -> None:
    st.subheader(t("home.situation"))
    levels(engine, actor, now)
    if actor.is_command:
        open_directives(engine, actor)
        turnout(engine, actor)
        next_report(engine, actor, now)
    links = st.columns(3)
    go = navigation.go_to
    go("map.py", t("nav.map"), ":material/map:", key="home_map", where=links[0])
    if actor.is_command:
        go("directives.py", t("nav.directives"), ":material/campaign:", key="home_directives",
           where=links[1])  # fmt: skip
        go("rollcall.py", t("nav.rollcall"), ":material/groups:", key="home_rollcall",
           where=links[2])  # fmt: skip
