"""区の即報確認: the ward head sees the ward's figures for the next 第N報 (from damage reports,
tallies and shelters), enters tallies for rows that are not point reports, and confirms."""

import streamlit as st

from dashboard.services import areas, sitreports
from dashboard.ui import sitreports as widgets
from dashboard.ui import state
from dashboard.ui.chrome import local_time
from dashboard.ui.state import t

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
st.title(t("nav.ward_figures"))
disaster = widgets.disaster_picker(engine, actor, "ward_figures.disaster")
if disaster is None:
    st.info(t("sitrep.no_disaster"))
    st.stop()
wards = {a.code: a.name(lang) for a in areas.list_areas(engine, actor, level="ward")}
if not wards:
    st.info(t("shelter.no_wards"))
    st.stop()
ward = st.selectbox(t("sitrep.ward"), list(wards), format_func=wards.get, key="ward_figures.ward")

figures = sitreports.ward_draft(engine, actor, disaster.id, ward)
status = t(f"sitrep.status.{figures.status}")
if figures.status_at is not None:
    status += " — " + t(
        "sitrep.confirmed_by",
        time=local_time(figures.status_at, with_date=True),
        by=figures.status_by or "",
    )
st.markdown(f"**{t('sitrep.ward_status')}**: {state.plain(status)}")
st.caption(t("sitrep.confirm_help"))
if st.button(t("sitrep.confirm"), type="primary", icon=":material/verified:", key="ward.confirm"):
    ok, _ = widgets.attempt(sitreports.confirm_ward, disaster.id, ward)
    if ok:
        st.rerun()
widgets.ward_table(figures)

st.subheader(t("sitrep.tallies_heading"))
widgets.tally_form(disaster.id, ward, sitreports.ward_tallies(engine, actor, disaster.id, ward))
