"""Pieces the ward forms share: a point picked on a small map or typed, field values as typed,
and the form's general error.

Values live in ``st.session_state`` under ``<prefix>.<field>`` keys, so what was typed outlives a
rerun; services receive them as text and parse them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st
from streamlit_folium import st_folium

from dashboard.services.areas import MapBase
from dashboard.services.inputs import InputError, parse_coordinates
from dashboard.ui.map_assets import picker_map
from dashboard.ui.state import message


def form_values(prefix: str, names: Iterable[str]) -> dict:
    """The fields ``names`` of the form ``prefix`` as typed (None when never touched)."""
    return {name: st.session_state.get(f"{prefix}.{name}") for name in names}


def typed_point(text: str | None) -> tuple[float, float] | None:
    """The point typed so far, or None while it is empty or not yet a pair of coordinates."""
    try:
        return parse_coordinates(text) if text else None
    except InputError:
        return None


def pick_on_map(
    base: MapBase,
    lang: str,
    *,
    coords_key: str,
    click_key: str,
    map_key: str,
    height: int,
    on_pick: Callable[[], None] | None = None,
) -> None:
    """The tap-to-locate map: a new tap writes "lat, lon" into ``coords_key`` and reruns."""
    ss = st.session_state
    clicked = st_folium(
        picker_map(base, typed_point(ss.get(coords_key)), lang),
        height=height,
        use_container_width=True,
        returned_objects=["last_clicked"],
        key=map_key,
    )
    last = (clicked or {}).get("last_clicked")
    if last and last != ss.get(click_key):
        ss[click_key] = last
        ss[coords_key] = f"{last['lat']:.6f}, {last['lng']:.6f}"
        if on_pick is not None:
            on_pick()
        st.rerun()


def general_error(error) -> None:
    """The form's error that belongs to no single field (fields show their own)."""
    if error is not None:
        st.error(message(error.key, error.params), icon=":material/error:")
