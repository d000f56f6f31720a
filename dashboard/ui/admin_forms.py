"""What the administration tabs share: saving through a service, and a message after the rerun."""

from __future__ import annotations

import streamlit as st

from dashboard.errors import ServiceError
from dashboard.ui import state

# A success message for the next run, and the widget keys to empty before it draws them.
FLASH, RESET = "admin_flash", "admin_reset"


def save(action, message: str, reset: tuple[str, ...], **kwargs) -> None:
    """Call ``action(engine, actor, **kwargs)``; show its refusal (the form keeps its values), or
    empty the form, rerun and show ``message``."""
    try:
        action(state.get_engine(), state.current_actor(), **kwargs)
    except ServiceError as exc:
        state.show_error(exc)
    else:
        st.session_state[FLASH], st.session_state[RESET] = message, reset
        st.rerun()


def show_flash() -> None:
    """Empty the forms a save asked for and show its message (at the top of the page's run)."""
    for key in st.session_state.pop(RESET, ()):
        st.session_state.pop(key, None)
    if message := st.session_state.pop(FLASH, None):
        st.success(message, icon=":material/check_circle:")
