"""Home: who you are, your area, and what the system holds for it."""

import streamlit as st

from dashboard.services import areas, situation
from dashboard.ui import state
from dashboard.ui.state import t

engine = state.get_engine()
actor = state.current_actor()
area = areas.get_area(engine, actor.jurisdiction_code)

st.title(t("app.title"))
st.write(t("home.welcome", name=actor.display_name))
st.write(t("home.scope", area=area.name(state.lang()) if area else actor.jurisdiction_code))
counts = situation.scope_counts(engine, actor)
st.caption(t("home.counts", areas=counts.areas, shelters=counts.shelters, reports=counts.reports))
if any(a.schematic for a in areas.list_areas(engine, actor)):
    st.caption(t("app.schematic_note"))
