"""Placeholder until its issue lands."""

import streamlit as st

from dashboard.ui.state import t

st.title(t("nav.damage"))
st.info(t("page.placeholder"))
