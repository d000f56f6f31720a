"""Situation map (状況地図): key figures, the live map, the clicked ward's details, a directive
from the map in one click, and the replay of the disaster so far.

Only the live part refreshes itself. The map stays mounted across refreshes: new data redraws
it in place (streamlit-folium's feature group, see ``maps.fetched_live_map``), so the view, an
open popup and the side panel stay as they are. The map's data is encoded once per change for
all sessions and fetched by the map's script over HTTP (``ui.map_data``): a refresh without new
data sends only the same small script. The governor starts on the prefecture's municipalities.
"""

from datetime import datetime

import streamlit as st
from streamlit_folium import st_folium

from dashboard.clock import utcnow
from dashboard.errors import ServiceError
from dashboard.services import command_map as cm
from dashboard.timefmt import local
from dashboard.ui import chrome, state
from dashboard.ui import map_command as mc
from dashboard.ui import map_data as md
from dashboard.ui.map_assets import ensure_map_assets
from dashboard.ui.sitreports import late_reports_notice
from dashboard.ui.situation_map import read_filters, shelter_table, show_figures, show_ward_detail
from dashboard.ui.staffing_map import staffing_toggle, with_staffing
from dashboard.ui.state import t

# Session keys: the governor's open municipality, the ward in the side panel, the last map
# click seen, and (map data, time) this tab first showed that data at.
ROOT, SELECTED, CLICK, CLOCK = "map_root", "map_selected", "map_click", "map_clock"
# The map component: a click on an area comes back as last_active_drawing, and where it was
# as last_object_clicked (so a second click on the same area is a new click); zoom and
# position are kept by the map itself, so they are not returned (that would rerun on every pan).
FOLIUM_OPTIONS = {
    "key": "command_map",
    "height": 640,
    "use_container_width": True,
    "returned_objects": ["last_active_drawing", "last_object_clicked"],
}

engine, actor = state.get_engine(), state.current_actor()
lang, settings = state.lang(), state.settings()
asset_url = ensure_map_assets()
overview = cm.has_overview(engine, actor)
root = st.session_state.get(ROOT) if overview else None


def show_map(read: md.MapRead, now: datetime) -> None:
    v = read.view

    def staffing(m):
        return m if v.shelters is None else with_staffing(m, v.areas, engine, actor, now)

    held = st.session_state.get(CLOCK)
    if held is None or held[0] != read.published.token:  # new data: its ages from now on
        held = st.session_state[CLOCK] = (read.published.token, v.as_of or now)
    live = md.live_shell(read, asset_url, mc.selected(), staffing, held[1])
    returned = st_folium(live.map, feature_group_to_add=live.data, **FOLIUM_OPTIONS) or {}
    click = (returned.get("last_active_drawing"), returned.get("last_object_clicked"))
    if click == st.session_state.get(CLICK):
        return
    st.session_state[CLICK] = click
    clicked = (click[0] or {}).get("properties") or {}
    if clicked.get("layer") in ("area", "ward") and mc.picking():
        mc.toggle_target(clicked.get("code"))  # picking areas for a directive
    elif clicked.get("layer") == "area":  # the governor opens a municipality
        st.session_state[ROOT] = clicked.get("code")
        st.session_state.pop(SELECTED, None)
        st.rerun(scope="app")
    elif clicked.get("layer") == "ward":
        st.session_state[SELECTED] = clicked.get("code")


def show_panel(v: cm.SituationView, filters: cm.MapFilters, now: datetime, names) -> None:
    code = st.session_state.get(SELECTED) or filters.ward_code
    if v.shelters is None:
        st.caption(t("situation.overview.hint"))
        return
    if code not in set(v.areas["code"]):
        st.caption(t("situation.panel.hint"))
        return
    try:
        d = cm.ward_detail(engine, actor, code, filters=filters, lang=lang, now=now, as_of=v.as_of)
    except ServiceError as exc:
        state.show_error(exc)
        return
    show_ward_detail(d, v.as_of or now, lang)
    if actor.is_command and v.as_of is None:
        mc.send_to_area(code, names)


def read_view(root: str | None, filters: cm.MapFilters, lang: str, as_of, now: datetime):
    if overview and root is None:
        v = cm.overview_view(engine, actor, filters=filters, lang=lang, now=now, as_of=as_of)
    else:
        v = cm.command_view(
            engine, actor, root=root, filters=filters, lang=lang, now=now, as_of=as_of
        )
    return md.publish_view(v, actor, lang, now)  # encoded once; the view kept is light


def show_live(filters: cm.MapFilters, root: str | None, span: cm.ReplaySpan | None) -> None:
    now = utcnow()
    as_of = mc.replay_moment(span) if span else None
    try:
        # One read per data version, minute, scope and filters for all sessions of the process.
        args = (root, filters, lang, as_of)
        if st.session_state.pop(mc.FRESH, False):  # just sent: read past the shared read
            read = read_view(*args, now.replace(second=0, microsecond=0))
        else:
            read = chrome.shared_read(
                engine, actor, "map", args, now, read_view, share=md.REBUILD_SHARE
            )
    except ServiceError as exc:
        state.show_error(exc)
        return
    v = read.view
    show_figures(v.figures, as_of or now, silent_after_minutes=settings.silent_after_minutes)
    names = dict(zip(v.areas["code"], v.areas["name"], strict=True))
    if actor.is_command:
        names.update(mc.target_names(lang))
    map_column, panel_column = st.columns([5, 2])
    with map_column:
        show_map(read, now)
    with panel_column:
        if actor.is_command and as_of is None:
            choices = dict(zip(v.areas["code"], v.areas["name"], strict=True))
            with st.container(border=True):
                mc.send_box(v, choices, names)
        else:
            mc.tracked_caption(v.tracked, names)
        show_panel(v, filters, now, names)
    if v.matches is not None:  # the shelter search
        st.caption(t("situation.search.results", count=len(v.matches)))
        shelter_table(v.matches)
    updated = local(now).strftime("%H:%M:%S")
    st.caption(t("situation.updated", time=updated, seconds=settings.refresh_seconds))


st.title(t("nav.map"))
late_reports_notice(engine, actor)  # 第N報 overdue against the prefecture's reporting times
if overview and root is not None:
    if st.button(t("situation.overview.back"), icon=":material/arrow_back:"):
        for key in (ROOT, SELECTED, "map_ward", mc.TARGETS):
            st.session_state.pop(key, None)
        st.rerun()
elif overview:
    choices = dict(cm.municipality_choices(engine, actor, lang=lang))
    st.selectbox(
        t("situation.overview.open"),
        list(choices),
        index=None,
        format_func=choices.get,
        placeholder=t("app.choose"),
        key="map_open",
        on_change=lambda: st.session_state.update({ROOT: st.session_state.get("map_open")}),
    )
filters = read_filters(overview=overview, root=root)
staffing_toggle(actor)
st.toggle(t("mapcmd.replay"), key=mc.REPLAY)
span = cm.replay_span(engine, actor) if mc.replay_on() else None
pace = mc.PLAY_SECONDS if mc.playing() else settings.refresh_seconds
state.fragment(run_every=pace)(show_live)(filters, root, span)
