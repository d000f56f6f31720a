"""What every page shows around its content: sidebar (user, language, logout) and banners."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard.services import jurisdictions
from dashboard.services.access import Actor
from dashboard.services.modes import current_mode
from dashboard.ui import state
from dashboard.ui.state import t

LANGUAGE_LABELS = {"ja": "日本語", "en": "English"}
LANG_SWITCH_KEY = "lang_switch"


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
        area = jurisdictions.get_area(engine, actor.jurisdiction_code)
        st.caption(
            t(
                "app.logged_in_as",
                name=actor.display_name,
                role=t(f"role.{actor.role}"),
                area=area.name(state.lang()) if area else actor.jurisdiction_code,
            )
        )
        language_switch()
        if st.button(t("app.logout"), icon=":material/logout:", key="logout"):
            state.log_out()
            st.rerun()


def banners(engine: Engine) -> None:
    """Demo, drill and disaster-mode banners, on every page."""
    if state.settings().demo_mode:
        st.info(t("app.demo_banner"), icon=":material/science:")
    mode = current_mode(engine)
    if mode.exercise_name is not None:
        st.warning(t("app.drill_banner", name=mode.exercise_name), icon=":material/school:")
