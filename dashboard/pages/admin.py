"""Accounts, channels and audit log (アカウント・監査) for the command roles.

Every list and change goes through a service, which checks role and scope again: the navigation
only hides this page from other roles. Forms keep what was typed when a service refuses it. The
tabs are drawn by dashboard/ui/admin_*.py.
"""

import streamlit as st

from dashboard.domain import Level
from dashboard.errors import ServiceError
from dashboard.services import accounts, areas
from dashboard.ui import state
from dashboard.ui.admin_accounts import accounts_tab
from dashboard.ui.admin_audit import audit_tab
from dashboard.ui.admin_channels import channels_tab
from dashboard.ui.admin_forms import show_flash
from dashboard.ui.admin_hq import hq_tab
from dashboard.ui.admin_staff import staff_tab
from dashboard.ui.state import t

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
st.title(t("nav.admin"))
show_flash()

try:
    user_rows = accounts.list_users(engine, actor)
except ServiceError as exc:  # hidden from other roles; opened by its URL, the service refuses
    state.show_error(exc)
    st.stop()
if accounts.demo_warning(actor, state.settings()):
    st.warning(t("admin.demo_warning"), icon=":material/warning:")
area_list = areas.list_areas(engine, actor)
names = {a.code: a.name(lang) for a in area_list}
departments = frozenset(a.code for a in area_list if a.level == Level.DEPARTMENT)
tab_accounts, tab_channels, tab_audit, tab_hq, tab_staff = st.tabs(
    [
        t("admin.tab.accounts"),
        t("admin.tab.channels"),
        t("admin.tab.audit"),
        t("admin.tab.hq"),
        t("rollcall.staff_tab"),
    ]
)
with tab_accounts:
    accounts_tab(user_rows, names, actor, lang, departments)
with tab_channels:
    channels_tab(engine, actor, names)
with tab_audit:
    audit_tab(engine, actor, lang)
with tab_hq:
    hq_tab(engine, actor, lang)
with tab_staff:
    staff_tab(engine, actor, names)
