"""Home: who you are, your area, and what the system holds for it."""

import streamlit as st

from dashboard.services import areas, damage, shelters
from dashboard.ui import state
from dashboard.ui.state import t

engine = state.get_engine()
actor = state.current_actor()
area = areas.get_area(engine, actor.jurisdiction_code)

st.title(t("app.title"))
st.write(t("home.welcome", name=actor.display_name))
st.write(t("home.scope", area=area.name(state.lang()) if area else actor.jurisdiction_code))
areas = areas.list_areas(engine, actor)
st.caption(
    t(
        "home.counts",
        areas=len(areas),
        shelters=len(shelters.list_shelters(engine, actor)),
        reports=len(damage.list_reports(engine, actor)),
    )
)
if any(a.schematic for a in areas):
    st.caption(t("app.schematic_note"))
