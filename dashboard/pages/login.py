"""Login page: local accounts; demo accounts listed in demo mode only."""
# Every refusal reads the same for a known and an unknown name (no user enumeration).

import streamlit as st

from dashboard import demo_city
from dashboard.errors import LoginFailed
from dashboard.services import accounts
from dashboard.ui import chrome, state
from dashboard.ui.state import t

st.title(t("app.title"))
chrome.language_switch()
with st.form("login"):
    st.subheader(t("login.title"))
    username = st.text_input(t("login.username"), autocomplete="username")
    password = st.text_input(t("login.password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(t("login.submit"), type="primary", width="stretch")
if submitted:
    if not username or not password:
        st.error(t("login.required"))
    else:
        try:
            engine = state.get_engine()
            # Failed tries are throttled per user name at this client, so nobody can lock an
            # account for everyone (outside a browser, e.g. in AppTest, there is no address).
            client = st.context.ip_address
            actor = accounts.authenticate(engine, username, password, client=client)
            state.log_in(actor, accounts.start_session(engine, actor))
            st.rerun()
        except LoginFailed as exc:
            state.show_error(exc)

if state.settings().demo_mode:
    bureaus = {code for code, *_ in demo_city.DEPARTMENTS}
    with st.expander(t("login.demo_accounts", password=demo_city.DEMO_PASSWORD), expanded=True):
        st.table(
            [
                {t("login.username"): name, "": state.role_label(role, department=code in bureaus)}
                for name, _, role, code in demo_city.DEMO_ACCOUNTS
            ]
        )
