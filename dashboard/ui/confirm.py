"""Asking once before a click that does a lot: 宣言する, 終了, a directive to many wards or 至急.

The first click only asks (``request``); the question, with a confirm and a cancel button,
stands in the page until one of them is clicked (``ask``). Nothing is sent or changed before
the confirm: a stray tap costs one more tap, never a wrong message to nineteen wards.
"""

from __future__ import annotations

from collections.abc import Hashable

import streamlit as st

from dashboard.ui.state import t

# Session key prefix of a pending question.
ASK_PREFIX = "confirm:"


def request(key: str, what: Hashable = True) -> None:
    """Ask about ``what`` (e.g. the draft to send) at the next ``ask(key, ...)``."""
    st.session_state[ASK_PREFIX + key] = what


def pending(key: str) -> Hashable | None:
    return st.session_state.get(ASK_PREFIX + key)


def forget(key: str) -> None:
    st.session_state.pop(ASK_PREFIX + key, None)


def ask(key: str, question: str, confirm_label: str, *, what: Hashable = True) -> bool:
    """Show the question when ``what`` was requested for ``key``; True once confirmed (the
    question is then forgotten). Cancel forgets it and reruns."""
    if pending(key) is None or pending(key) != what:
        return False
    with st.container(border=True):
        st.warning(question, icon=":material/help:")
        yes, no = st.columns(2)
        if yes.button(confirm_label, type="primary", key=f"{ASK_PREFIX}{key}:yes", width="stretch"):
            forget(key)
            return True
        if no.button(t("confirm.cancel"), key=f"{ASK_PREFIX}{key}:no", width="stretch"):
            forget(key)
            st.rerun()
    return False
