"""Small maps of the forms and boards: no tiles, Leaflet served by the app, escaped names."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from dashboard.maps.assets import create_offline_map

# Zoom of the location map: a whole ward (about 3 km) fits a phone-wide map at 13.
LOCATION_MAP_ZOOM = 13
# Colours of the location map: the user's own ward, other wards, the picked point.
HOME_COLOR = "#1f78b4"
OTHER_COLOR = "#9e9e9e"
POINT_COLOR = "#d7301f"
# Acknowledgement map: wards that have acknowledged (filled green) and those that have not.
DONE_STYLE = {"color": "#2e7d32", "weight": 1, "fillColor": "#a5d6a7", "fillOpacity": 0.5}
OPEN_STYLE = {"color": "#c62828", "weight": 4, "fillColor": "#ffffff", "fillOpacity": 0.1}


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres only (folium's ``control_scale`` adds feet and miles)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


def template_safe(text: str) -> str:
    """HTML-escaped text that folium's second Jinja pass leaves alone ({{ and {% shown as is)."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def _add_area(fmap: folium.Map, row, style: dict, lang: str) -> None:
    name = (row.name_en if lang == "en" and row.name_en else None) or row.name_ja
    folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": row.geometry.__geo_interface__},
        style_function=lambda _f, s=style: s,
        # Names go in as escaped text, never as GeoJSON properties that Leaflet would parse.
        tooltip=folium.Tooltip(template_safe(str(name))),
    ).add_to(fmap)


def location_map(
    areas: gpd.GeoDataFrame,
    *,
    home_codes: frozenset[str],
    center: tuple[float, float],
    point: tuple[float, float] | None,
    lang: str = "ja",
) -> folium.Map:
    """The areas (EPSG:4326; columns code, name_ja, name_en, geometry), the user's own
    highlighted, and the picked point if any. ``dashboard.maps.install_assets`` must have run."""
    fmap = create_offline_map(
        location=list(point or center),
        zoom_start=LOCATION_MAP_ZOOM,
        tiles=None,
    )
    MetricScale().add_to(fmap)
    for row in areas.itertuples(index=False):
        home = row.code in home_codes
        color = HOME_COLOR if home else OTHER_COLOR
        style = {
            "color": color,
            "weight": 3 if home else 1,
            "fillColor": color,
            "fillOpacity": 0.15 if home else 0.05,
        }
        _add_area(fmap, row, style, lang)
    if point:
        folium.CircleMarker(
            location=list(point), radius=9, color=POINT_COLOR, fill=True, fill_opacity=0.9
        ).add_to(fmap)
    return fmap


def acknowledgement_map(
    areas: gpd.GeoDataFrame, *, done_codes: frozenset[str], lang: str = "ja"
) -> folium.Map:
    """Target areas of a directive: acknowledged ones filled green, the others outlined in red."""
    west, south, east, north = areas.total_bounds
    fmap = create_offline_map(tiles=None, zoom_control=False)
    fmap.fit_bounds([[south, west], [north, east]])
    for row in areas.itertuples(index=False):
        _add_area(fmap, row, DONE_STYLE if row.code in done_codes else OPEN_STYLE, lang)
    return fmap
