"""Leaflet for the maps, copied into the app's static folder once per process, and the small maps
of the forms and boards built on it."""

from __future__ import annotations

import folium
import streamlit as st

from dashboard.maps import DEFAULT_ASSET_URL, install_assets
from dashboard.maps.small import acknowledgement_map, location_map
from dashboard.services.areas import MapBase


@st.cache_resource(show_spinner=False)
def ensure_map_assets() -> str:
    """Install Leaflet under dashboard/static/vendor (idempotent) and return its URL."""
    install_assets()
    return DEFAULT_ASSET_URL


def picker_map(base: MapBase, point: tuple[float, float] | None, lang: str) -> folium.Map:
    """The tap-to-locate map of the ward forms around the user's own area."""
    ensure_map_assets()
    return location_map(
        base.areas, home_codes=base.home_codes, center=base.center, point=point, lang=lang
    )


def board_map(areas, lang: str) -> folium.Map:
    """A directive's target areas (frame with an ``acknowledged`` column), unacknowledged in red."""
    ensure_map_assets()
    done = frozenset(areas.loc[areas["acknowledged"], "code"])
    return acknowledgement_map(areas, done_codes=done, lang=lang)
