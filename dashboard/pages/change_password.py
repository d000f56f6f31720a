"""Setting one's own password: the only page for someone logged in with a one-time password
(an imported account, or a password an administrator set). The services refuse everything else
until it is done; then a fresh login starts and the normal pages appear."""

import streamlit as st

from dashboard.errors import ServiceError
from dashboard.services import accounts
from dashboard.ui import chrome, state
from dashboard.ui.state import t

engine = state.get_engine()
actor = state.current_actor()
st.title(t("password.title"))
chrome.language_switch()
st.info(t("password.intro"), icon=":material/key:")
with st.form("change_password", clear_on_submit=False):
    current = st.text_input(
        t("password.current"), type="password", autocomplete="current-password", key="pw_current"
    )
    new = st.text_input(
        t("password.new"), type="password", autocomplete="new-password", key="pw_new"
    )
    again = st.text_input(
        t("password.again"), type="password", autocomplete="new-password", key="pw_again"
    )
    submitted = st.form_submit_button(t("password.submit"), type="primary", icon=":material/key:")
if submitted:
    if new != again:
        st.error(t("password.mismatch"))
    else:
        try:
            changed = accounts.change_own_password(engine, actor, current=current, new=new)
        except ServiceError as exc:
            state.show_error(exc)
        else:
            state.log_in(changed, accounts.start_session(engine, changed))
            st.rerun()
if st.button(t("app.logout"), icon=":material/logout:", key="logout"):
    state.log_out(engine)
    st.rerun()
