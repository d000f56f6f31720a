"""The command map's "staffing" toggle: units outlined by 参集率 of the open roll-call, drawn by
``maps.add_staffing_layer`` over the situation map. Counts only (no names ever reach the map);
read once per data version and minute for all sessions of the process, like the map itself."""

from __future__ import annotations

from datetime import datetime

import folium
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import Actor, Role
from dashboard.maps import add_staffing_layer
from dashboard.services import rollcall
from dashboard.ui import chrome
from dashboard.ui.state import t

# Session key of the toggle.
TOGGLE = "map_staffing"


def staffing_toggle(actor: Actor) -> None:
    """The toggle, for those who may read the roll-call board (command roles, ward heads)."""
    if actor.is_command or actor.role == Role.WARD_HEAD:
        st.toggle(t("map.staffing"), key=TOGGLE)


def with_staffing(
    m: folium.Map, areas: pd.DataFrame, engine: Engine, actor: Actor, now: datetime
) -> folium.Map:
    """``m`` with the staffing layer when the toggle is on and a roll-call is open."""
    if not st.session_state.get(TOGGLE):
        return m

    def read(minute: datetime):
        return rollcall.staffing_layer(engine, actor, now=minute)

    staffing = chrome.shared_read(engine, actor, "staffing", (), now, read)
    return add_staffing_layer(m, areas, staffing, t=t)
