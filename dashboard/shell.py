"""The Streamlit script ``app.py`` serves: page config, login gate, sidebar, navigation."""

import sys
from pathlib import Path

# `streamlit run` puts this file's folder on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from dashboard.services import directives, rollcall  # noqa: E402
from dashboard.ui import chrome, navigation, state, theme  # noqa: E402
from dashboard.ui.state import t  # noqa: E402

st.set_page_config(
    # A local file: material-icon and emoji favicons are fetched from the internet.
    page_title=t("app.title"),
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)
theme.apply()  # touch targets, the phone layout, the file uploader in Japanese

try:
    engine = state.get_engine()
except state.OUTAGE_ERRORS as exc:
    st.error(t("app.db_unavailable", detail=type(getattr(exc, "orig", None) or exc).__name__))
    st.stop()

try:
    actor = state.current_actor() or state.resume_login(engine)
    if actor is not None and not state.login_still_valid(engine, actor):
        state.log_out(engine)  # ended elsewhere: logout in another tab, password reset, role change
        actor = None
except state.OUTAGE_ERRORS:
    actor = state.current_actor()  # the database is briefly away: keep the page and its form
state.write_session_cookie()
if actor is None and directives.verify_ack_link(st.query_params.get("token", "")) is not None:
    # A signed acknowledgement link is its own authorisation: that page only, no login.
    page = st.navigation([navigation.ack_page()], position="hidden")
elif actor is None and rollcall.verify_answer_link(st.query_params.get("token", "")) is not None:
    # A personal roll-call link is its own authorisation: the answer page, no login. The login
    # page stands as the default (root URL): a lone page would be the default itself, and its
    # own path /rollcall_answer would then not be found.
    answer_pages = [navigation.login_page(), navigation.rollcall_answer_page()]
    page = st.navigation(answer_pages, position="hidden")
elif actor is None:
    page = st.navigation(
        [
            st.Page(
                str(navigation.PAGES_DIR / "login.py"),
                title=t("login.title"),
                icon=":material/login:",
            )
        ],
        position="hidden",
    )
elif actor.must_change_password:
    # A one-time password: nothing but setting one's own (the services refuse the rest).
    page = st.navigation([navigation.change_password_page()], position="hidden")
else:
    department = navigation.home_is_department(engine, actor)  # False while storage is away
    page = st.navigation(navigation.pages_for(actor, department=department))
    with state.outage_guard():
        chrome.sidebar(engine, actor)
# The one outage handler (state.outage_guard) around each part that reads the database: one
# clear notice instead of a traceback; the next run (the button, or the page's own refresh)
# recovers by itself once the database is back.
with state.outage_guard():
    chrome.banners(engine)
with state.outage_guard():
    try:
        page.run()
    except state.OUTAGE_ERRORS:
        st.button(t("app.retry"), icon=":material/refresh:")
        raise
