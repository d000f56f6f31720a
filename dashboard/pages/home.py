"""Home: what the user has to do or know first. A ward (or department) user lands on its own
tasks; those who command see the situation in one screen."""

import streamlit as st

from dashboard.clock import utcnow
from dashboard.domain import Level, Role
from dashboard.services import areas, situation
from dashboard.ui import home_command, home_ward, state
from dashboard.ui.state import t

engine = state.get_engine()
actor = state.current_actor()
lang = state.lang()
now = utcnow()
area = areas.get_area(engine, actor.jurisdiction_code)
area_name = area.name(lang) if area else actor.jurisdiction_code

if actor.role in (Role.WARD_HEAD, Role.WARD_STAFF):
    st.title(t("home.ward.title", area=area_name))
    greeting = f"{t('home.welcome', name=actor.display_name)}　{t('home.scope', area=area_name)}"
    st.caption(greeting)
    ward = actor.jurisdiction_code if area is None or area.level == Level.WARD else None
    home_ward.show(engine, actor, now, ward_code=ward, ward_name=area_name)
else:
    st.title(t("home.command.title", area=area_name))
    greeting = f"{t('home.welcome', name=actor.display_name)}　{t('home.scope', area=area_name)}"
    st.caption(greeting)
    home_command.show(engine, actor, now)

counts = situation.scope_counts(engine, actor)
if counts.areas:  # a department (部局) has no area
    st.caption(
        t("home.counts", areas=counts.areas, shelters=counts.shelters, reports=counts.reports)
    )
if any(a.schematic for a in areas.list_areas(engine, actor)):
    st.caption(t("app.schematic_note"))
