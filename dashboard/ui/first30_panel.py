"""The first thirty minutes of an earthquake on the HQ pages: JMA's withdrawals, the one-click
prompt to declare disaster mode at the tier the intensity calls for (the click is the human
act), the countdown to each municipality's first report (第1報), the feed's alert and how long a
running drill has run; and the feed's health line for the roll-call page."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import Actor
from dashboard.errors import ServiceError
from dashboard.services import disaster, first30, rollcall
from dashboard.ui import state
from dashboard.ui.chrome import local_time
from dashboard.ui.state import plain, t


def notices_panel(engine: Engine, actor: Actor, *, where: str) -> None:
    """Every notice of the actor's scope; ``where`` keeps widget keys apart per page."""
    lang = state.lang()
    notices = first30.first30_notices(engine, actor, settings=state.settings())
    for notice in notices:
        if notice.kind == "drill":
            _drill(notice)
    notices = [n for n in notices if n.kind != "drill"]
    if not notices:
        return
    st.subheader(t("first30.heading"))
    for notice in notices:
        if notice.kind == "withdrawn":
            st.error(t("first30.withdrawn", name=plain(notice.name), at=local_time(notice.at)))
            key = f"{where}_ack_{notice.event_row}"
            if st.button(t("first30.acknowledge"), key=key):
                _run(first30.acknowledge_withdrawal, engine, actor, notice.event_row)
        elif notice.kind == "real_in_drill":
            st.error(t("first30.real_in_drill", name=plain(notice.name), at=local_time(notice.at)))
        elif notice.kind == "feed":
            health = rollcall.feed_health(engine, actor, state.settings())
            st.error(
                t(
                    "first30.feed_failing",
                    minutes=state.settings().jma_alert_after_minutes,
                    success=_when(health.last_success_at),
                    error=plain(health.last_error or ""),
                )
            )
        elif notice.kind == "declare":
            tier = t(f"disaster.level.{notice.tier}")
            st.warning(t("first30.prompt", name=plain(notice.name), tier=tier))
            key = f"{where}_declare_{notice.event_row}_{notice.area_code}_{notice.tier}"
            if st.button(
                t("first30.declare", tier=tier),
                key=key,
                type="primary",
                icon=":material/emergency:",
            ):
                _run(
                    disaster.declare_disaster,
                    engine,
                    actor,
                    submission_id=f"first30:{notice.event_row}:{notice.area_code}:{notice.tier}",
                    level=notice.tier,
                    scope_code=notice.area_code,
                    lang=lang,
                )
        else:
            _countdown(notice)


def _drill(notice: first30.Notice) -> None:
    """How long the drill has run (it ends only when a person ends it)."""
    text = t(
        "first30.drill_running",
        name=plain(notice.name),
        hours=notice.minutes // 60,
        minutes=notice.minutes % 60,
        since=local_time(notice.at, with_date=True),
    )
    (st.warning if notice.late else st.info)(text, icon=":material/school:")


def _countdown(notice: first30.Notice) -> None:
    text = t(
        "first30.overdue" if notice.late else "first30.countdown",
        body=plain(notice.area_name),
        due=first30.clock(notice.due),
        minutes=notice.minutes,
    )
    (st.error if notice.late else st.info)(text)
    if notice.direct_fdma:
        st.caption(t("first30.direct_fdma"))


def feed_health_line(engine: Engine, actor: Actor) -> None:
    """Last success and last error of the JMA feed (nothing when no feed is configured)."""
    health = rollcall.feed_health(engine, actor, state.settings())
    if health is None:
        return
    st.caption(
        t(
            "first30.feed_health",
            success=_when(health.last_success_at),
            at=_when(health.last_error_at),
            error=plain(health.last_error or ""),
        )
    )


def _when(value) -> str:
    return local_time(value, with_date=True) if value else t("first30.never")


def _run(action, *args, **kwargs) -> None:
    try:
        action(*args, **kwargs)
    except ServiceError as exc:
        state.show_error(exc)
    else:
        st.rerun()
