"""Leaflet for the situation maps, copied into the app's static folder once per process."""

from __future__ import annotations

import streamlit as st

from dashboard.maps import DEFAULT_ASSET_URL, install_assets


@st.cache_resource(show_spinner=False)
def ensure_map_assets() -> str:
    """Install Leaflet under dashboard/static/vendor (idempotent) and return its URL."""
    install_assets()
    return DEFAULT_ASSET_URL
