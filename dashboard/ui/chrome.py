"""What every page shows around its content: sidebar (user, language, logout) and banners.

The drill, disaster-mode and directive banners live in a fragment that refreshes itself every
``directive_poll_seconds``, so a ward sees a new directive within seconds wherever it is in the
app, without reloading the page it is working on. An idle refresh costs no database work of its
own: the process reads one data version at most every ``CHANGE_CHECK_SECONDS`` for all sessions
(``dashboard.services.changes``), and what the banners show is read once per data version,
minute and (jurisdiction, role), shared by every session that shows the same. The delivery
worker thread is started here, once per app process.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from sqlalchemy import Engine

from dashboard.clock import utcnow
from dashboard.domain import Actor, Level
from dashboard.errors import ServiceError
from dashboard.services import areas, changes, delivery, directives
from dashboard.services.modes import Mode, mode_for
from dashboard.timefmt import format_time
from dashboard.ui import navigation, state
from dashboard.ui.housekeeping import DISCONNECTED_SESSIONS
from dashboard.ui.state import plain, t
from dashboard.worker import start_worker

LANGUAGE_LABELS = {"ja": "日本語", "en": "English"}
LANG_SWITCH_KEY = "lang_switch"
# Query parameter that opens one delivery on the directives page.
DELIVERY_PARAM = "delivery"
DIRECTIVES_PAGE = str(navigation.PAGES_DIR / "directives.py")
# How old the process's data version may be: a new directive shows within the poll interval plus
# this (5 s + 2 s by default; the issue asks for 10 s).
CHANGE_CHECK_SECONDS = 2.0
# Session keys: deliveries acknowledged from the banner, and the line that says so.
ACKED, ACK_FLASH = "banner_acked", "banner_ack_flash"


def _may_open(actor: Actor, file: str) -> bool:
    """Whether the actor's navigation has the page (a viewer has no directives page)."""
    return any(spec.file == file and actor.role in spec.roles for spec in navigation.PAGES)


def local_time(at: datetime | None, *, with_date: bool = False) -> str:
    """A UTC time as officials read it (the configured zone, Asia/Tokyo by default)."""
    return format_time(at, state.lang(), date=with_date)


def language_switch() -> None:
    """日本語/English. The choice is copied to the session's language in the callback, before
    anything of the next run reads it."""
    st.segmented_control(
        t("app.language"),
        options=list(LANGUAGE_LABELS),
        format_func=LANGUAGE_LABELS.get,
        default=state.lang(),
        key=LANG_SWITCH_KEY,
        on_change=_switch_language,
    )


def _switch_language() -> None:
    choice = st.session_state.get(LANG_SWITCH_KEY)
    if choice in LANGUAGE_LABELS:  # clicking the selected option again deselects it: ignore
        st.session_state[state.LANG_KEY] = choice


def sidebar(engine: Engine, actor: Actor) -> None:
    with st.sidebar:
        area = areas.get_area(engine, actor.jurisdiction_code)
        st.caption(
            t(
                "app.logged_in_as",
                name=actor.display_name,
                role=state.role_label(
                    actor.role, department=area is not None and area.level == Level.DEPARTMENT
                ),
                area=area.name(state.lang()) if area else actor.jurisdiction_code,
            )
        )
        unread = directives.unread_count(engine, actor)
        if unread and _may_open(actor, "directives.py"):
            st.page_link(
                DIRECTIVES_PAGE, label=t("inbox.nav_unread", count=unread), icon=":material/mail:"
            )
        language_switch()
        if st.button(t("app.logout"), icon=":material/logout:", key="logout"):
            state.log_out(engine)
            st.rerun()


def banners(engine: Engine) -> None:
    """Demo banner, and the live drill, disaster-mode and directive banners, on every page."""
    if state.settings().demo_mode:
        st.info(t("app.demo_banner"), icon=":material/science:")
    if state.settings().worker_in_app:
        _delivery_worker(id(engine), engine)
    state.fragment(_live_banners, run_every=state.settings().directive_poll_seconds)()


def _stop_worker(worker: delivery.Worker) -> None:
    worker.stop()


@st.cache_resource(show_spinner=False, max_entries=1, on_release=_stop_worker)
def _delivery_worker(engine_key: int, _engine: Engine) -> delivery.Worker:
    """One delivery worker per process and engine (a new engine replaces the old worker)."""
    return start_worker(_engine, state.settings())


def _stop_listening(tracking: tuple[changes.VersionClock, changes.SharedReads]) -> None:
    tracking[0].close()


@st.cache_resource(show_spinner=False, max_entries=1, on_release=_stop_listening)
def _tracking(engine_key: int, _engine: Engine) -> tuple[changes.VersionClock, changes.SharedReads]:
    shared = changes.SharedReads()
    changes.register_sweep(shared)  # results of closed sessions go within a minute or two
    changes.register_sweep(DISCONNECTED_SESSIONS)  # and the closed sessions themselves
    # PostgreSQL's NOTIFY wakes the clock at a write; polling stays the fallback (and SQLite's).
    return changes.VersionClock(_engine, CHANGE_CHECK_SECONDS, listen=True), shared


def change_tracking(engine: Engine) -> tuple[changes.VersionClock, changes.SharedReads]:
    """The process's data version clock and the reads its sessions share (one per engine)."""
    tracking = _tracking(id(engine), engine)
    if tracking[0].engine is not engine:  # a new engine at a reused address (tests)
        _tracking.clear()
        tracking = _tracking(id(engine), engine)
    return tracking


def data_written(engine: Engine) -> None:
    """This session just wrote something every page shows (the mode): the next run reads the
    data version afresh instead of the process's up-to-2-s-old one, so no banner lingers."""
    change_tracking(engine)[0].invalidate()


def shared_read(
    engine: Engine,
    actor: Actor | None,
    name: str,
    args: tuple,
    now: datetime,
    read,
    *,
    share: float | None = None,
):
    """``read(*args, minute)``, done once per data version, minute, (jurisdiction, role), ``name``
    and ``args`` for all sessions of the process (the result is shared: never change it). With
    ``share``, an expensive read is repeated at most so often that it takes that share of the
    time (``SharedReads.get_bounded``): its result may then lag a change by a few seconds."""
    clock, shared = change_tracking(engine)
    minute = now.replace(second=0, microsecond=0)
    scope = (actor.jurisdiction_code, actor.role) if actor is not None else None
    key = (name, clock.current(), minute, scope, *args)
    if share is None:
        return shared.get(key, lambda: read(*args, minute))
    family = (name, scope, *args)
    return shared.get_bounded(key, family, lambda: read(*args, minute), share=share)


def banner_data(
    engine: Engine,
    actor: Actor | None,
    now: datetime,
    tracking: tuple[changes.VersionClock, changes.SharedReads] | None = None,
) -> tuple[Mode, directives.InboxSummary | None]:
    """The mode and inbox summary the banners show, shared by all sessions of the process that
    see the same: read again when the data changed, and each minute (escalations age out)."""
    clock, shared = tracking or change_tracking(engine)
    scope = (actor.jurisdiction_code, actor.role) if actor is not None else None
    # Keyed on the banners' own part of the version: a new damage report changes nothing here.
    key = ("banners", clock.current().banners, now.replace(second=0, microsecond=0), scope)

    def read() -> tuple[Mode, directives.InboxSummary | None]:
        summary = directives.inbox_summary(engine, actor, now=now) if actor else None
        return mode_for(engine, actor), summary

    return shared.get(key, read)


def _acknowledged_here() -> set[int]:
    """Deliveries this session acknowledged from the banner (the shared read may lag)."""
    return st.session_state.setdefault(ACKED, set())


def _acknowledge(engine: Engine, actor: Actor, delivery_id: int) -> None:
    """了解 from the banner: one tap, wherever the ward is in the app."""
    try:
        directives.acknowledge(engine, actor, delivery_id)
    except ServiceError as exc:
        st.session_state[ACK_FLASH] = state.message(exc.key, exc.params)
        return
    _acknowledged_here().add(delivery_id)
    data_written(engine)
    st.session_state[ACK_FLASH] = t("inbox.ack_banner_done")


def elapsed_text(since: datetime, now: datetime) -> str:
    minutes = max(int((now - since).total_seconds() // 60), 0)
    return t("disaster.elapsed", hours=minutes // 60, minutes=minutes % 60)


def _live_banners() -> None:
    engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
    if actor is not None and actor.must_change_password:
        actor = None  # what the login page shows: no directives until they set their own password
    now = utcnow()
    mode, summary = banner_data(engine, actor, now)
    if mode.exercise_name is not None:
        st.warning(t("app.drill_banner", name=plain(mode.exercise_name)), icon=":material/school:")
    for declaration in mode.declarations:
        st.error(
            t(
                "disaster.banner",
                level=t(f"disaster.level.{declaration.level}"),
                area=declaration.scope_name(lang),
                elapsed=elapsed_text(declaration.declared_at, now),
                since=local_time(declaration.declared_at, with_date=True),
            ),
            icon=":material/emergency:",
        )
    if flash := st.session_state.pop(ACK_FLASH, None):
        st.success(flash, icon=":material/task_alt:")
    if summary is None:
        return
    if summary.newest is not None and summary.newest.delivery_id not in _acknowledged_here():
        newest = summary.newest
        with st.container(border=True):
            text = t(
                "inbox.banner",
                unread=summary.unread,
                open=summary.unacknowledged,
                title=plain(newest.title),
                priority=t(f"channel.priority.{newest.priority}"),
            )
            if newest.priority == "normal":
                st.warning(text, icon=":material/campaign:")
            else:
                st.error(text, icon=":material/campaign:")
            ack, link = st.columns(2)
            if directives.may_acknowledge(actor) and newest.acknowledged_at is None:
                ack.button(
                    t("inbox.ack_banner"),
                    type="primary",
                    icon=":material/task_alt:",
                    key=f"banner_ack_{newest.delivery_id}",
                    width="stretch",
                    on_click=_acknowledge,
                    args=(engine, actor, newest.delivery_id),
                )
            if _may_open(actor, "directives.py"):
                link.page_link(
                    DIRECTIVES_PAGE,
                    label=t("inbox.open"),
                    icon=":material/arrow_forward:",
                    query_params={DELIVERY_PARAM: str(newest.delivery_id)},
                )
    if summary.escalated:
        st.warning(
            t("inbox.escalated_banner", count=summary.escalated),
            icon=":material/notification_important:",
        )
