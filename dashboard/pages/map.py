"""Situation map (状況地図): key figures, the live map and the clicked ward's details.

Only the live part refreshes itself. While nothing changed the map is rebuilt with the same
inputs, so streamlit-folium keeps it mounted (view and open popups stay); new data redraws it at
the view the browser remembers. The governor starts on the prefecture's municipalities.
"""

from datetime import datetime

import streamlit as st
from streamlit_folium import st_folium

from dashboard.clock import utcnow
from dashboard.domain import DAMAGE_CATEGORIES, SEVERITIES, ReviewState
from dashboard.errors import ServiceError
from dashboard.maps import build_command_map, build_overview_map
from dashboard.services import command_map as cm
from dashboard.timefmt import local
from dashboard.ui import chrome, state
from dashboard.ui.map_assets import ensure_map_assets
from dashboard.ui.sitreports import late_reports_notice
from dashboard.ui.situation_map import shelter_table, show_figures, show_ward_detail
from dashboard.ui.staffing_map import staffing_toggle, with_staffing
from dashboard.ui.state import t

# Session keys: the governor's open municipality, the ward in the side panel, the last map
# click seen, and (map key, time) the drawn map counts ages from.
ROOT, SELECTED, CLICK, CLOCK = "map_root", "map_selected", "map_click", "map_clock"
# Zoom when the shelter search finds exactly one shelter.
SEARCH_ZOOM = 16
# The map component: a ward click comes back as last_active_drawing; zoom and position are kept
# by the map itself, so they are not returned (returning them would rerun on every pan).
FOLIUM_OPTIONS = {
    "key": "command_map",
    "height": 640,
    "use_container_width": True,
    "returned_objects": ["last_active_drawing"],
}

engine, actor = state.get_engine(), state.current_actor()
lang, settings = state.lang(), state.settings()
asset_url = ensure_map_assets()
overview = cm.has_overview(engine, actor)
root = st.session_state.get(ROOT) if overview else None


def read_filters() -> cm.MapFilters:
    with st.expander(t("situation.filters"), icon=":material/filter_alt:"):
        window = st.segmented_control(
            t("situation.window"),
            list(cm.TIME_WINDOWS),
            format_func=lambda key: t(f"situation.window.{key}"),
            default=cm.DEFAULT_WINDOW,
            key="map_window",
        )
        window = window or cm.DEFAULT_WINDOW
        if overview and root is None:
            return cm.MapFilters(window=window)
        left, right = st.columns(2)
        categories = left.multiselect(
            t("situation.categories"),
            list(DAMAGE_CATEGORIES),
            format_func=lambda key: t(f"category.{key}"),
            placeholder=t("situation.all"),
            key="map_categories",
        )
        reviews = right.multiselect(
            t("situation.review_states"),
            [s.value for s in ReviewState],
            default=list(cm.DEFAULT_REVIEW_STATES),
            format_func=lambda key: t(f"review.{key}"),
            placeholder=t("situation.all"),
            key="map_reviews",
        )
        severities = left.pills(
            t("situation.severities"), SEVERITIES, selection_mode="multi", key="map_severities"
        )
        wards = dict(cm.ward_choices(engine, actor, root=root, lang=lang))
        ward = right.selectbox(
            t("situation.ward"),
            [None, *wards],
            format_func=lambda code: wards.get(code, t("situation.ward.all")),
            key="map_ward",
        )
        search = st.text_input(t("situation.search"), key="map_search")
    selected = (tuple(categories), tuple(severities), tuple(reviews))
    return cm.MapFilters(window, *selected, ward_code=ward, shelter_search=search)


def show_map(v: cm.SituationView, now: datetime) -> None:
    held = st.session_state.get(CLOCK)
    if held is None or held[0] != v.key:  # new data: draw it with a fresh clock
        held = st.session_state[CLOCK] = (v.key, now)
    common = {
        "t": t,
        "now": held[1],
        "tiles": settings.tiles,
        "asset_url": asset_url,
        "silent_after_minutes": settings.silent_after_minutes,
    }
    if v.shelters is None:
        m = build_overview_map(v.areas, view_key=f"overview-{v.root}", **common)
    else:
        found = v.matches is not None and len(v.matches) == 1
        center = (v.matches.at[0, "lat"], v.matches.at[0, "lon"]) if found else None
        common.update(center=center, zoom=SEARCH_ZOOM if found else None)
        m = build_command_map(
            v.areas, v.shelters, v.reports, view_key=f"command-{v.root}", **common
        )
        m = with_staffing(m, v.areas, engine, actor, now)
    drawing = (st_folium(m, **FOLIUM_OPTIONS) or {}).get("last_active_drawing")
    if drawing == st.session_state.get(CLICK):
        return
    st.session_state[CLICK] = drawing
    clicked = (drawing or {}).get("properties") or {}
    if clicked.get("layer") == "area":  # the governor opens a municipality
        st.session_state[ROOT] = clicked.get("code")
        st.session_state.pop(SELECTED, None)
        st.rerun(scope="app")
    elif clicked.get("layer") == "ward":
        st.session_state[SELECTED] = clicked.get("code")


def show_panel(v: cm.SituationView, filters: cm.MapFilters, now: datetime) -> None:
    code = st.session_state.get(SELECTED) or filters.ward_code
    if v.shelters is None:
        st.caption(t("situation.overview.hint"))
        return
    if code not in set(v.areas["code"]):
        st.caption(t("situation.panel.hint"))
        return
    try:
        d = cm.ward_detail(engine, actor, code, filters=filters, lang=lang, now=now)
    except ServiceError as exc:
        state.show_error(exc)
        return
    show_ward_detail(d, now, lang)


def read_view(root: str | None, filters: cm.MapFilters, lang: str, now: datetime):
    if overview and root is None:
        return cm.overview_view(engine, actor, filters=filters, lang=lang, now=now)
    return cm.command_view(engine, actor, root=root, filters=filters, lang=lang, now=now)


@st.fragment(run_every=settings.refresh_seconds)
def live(filters: cm.MapFilters, root: str | None) -> None:
    now = utcnow()
    try:
        # One read per data version, minute, scope and filters for all sessions of the process.
        v = chrome.shared_read(engine, actor, "map", (root, filters, lang), now, read_view)
    except ServiceError as exc:
        state.show_error(exc)
        return
    show_figures(v.figures, now, silent_after_minutes=settings.silent_after_minutes)
    map_column, panel_column = st.columns([5, 2])
    with map_column:
        show_map(v, now)
    with panel_column:
        show_panel(v, filters, now)
    if v.matches is not None:  # the shelter search
        st.caption(t("situation.search.results", count=len(v.matches)))
        shelter_table(v.matches)
    updated = local(now).strftime("%H:%M:%S")
    st.caption(t("situation.updated", time=updated, seconds=settings.refresh_seconds))


st.title(t("nav.map"))
late_reports_notice(engine, actor)  # 第N報 overdue against the prefecture's reporting times
if overview and root is not None:
    if st.button(t("situation.overview.back"), icon=":material/arrow_back:"):
        for key in (ROOT, SELECTED, "map_ward"):
            st.session_state.pop(key, None)
        st.rerun()
elif overview:
    choices = dict(cm.municipality_choices(engine, actor, lang=lang))
    st.selectbox(
        t("situation.overview.open"),
        list(choices),
        index=None,
        format_func=choices.get,
        key="map_open",
        on_change=lambda: st.session_state.update({ROOT: st.session_state.get("map_open")}),
    )
filters = read_filters()
staffing_toggle(actor)
st.session_state[CLOCK] = None  # a full run mounts the map afresh: start its clock now
live(filters, root)
