"""The mayor's command map and the governor's overview map.

Both are an :class:`~dashboard.maps.assets.OfflineMap` with one :class:`SituationLayer`: the data
is encoded once (see :mod:`dashboard.maps.payload`) and drawn by ``command_map.js`` in the
browser, so building and rendering cost barely grows with the number of damage reports.

:func:`live_map` splits such a map for a host that keeps the map mounted while its data
changes (streamlit-folium's ``feature_group_to_add``): the map with the drawing code only, which
stays the same from one refresh to the next, and the data as a feature group whose script draws
it again into the mounted map. The drawing code then keeps the view, the layer choices and an
open popup across the redraw.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import folium
import pandas as pd
from branca.element import Element, Figure
from folium.elements import MacroElement
from folium.template import Template

from dashboard import timefmt  # module, not name: see dashboard/timefmt.py
from dashboard.maps.assets import DEFAULT_ASSET_URL, create_offline_map
from dashboard.maps.legend import (
    FILL_OPACITY_WITH_TILES,
    FILL_OPACITY_WITHOUT_TILES,
    build_style_config,
)
from dashboard.maps.payload import (
    dump_json,
    encode_areas,
    encode_reports,
    encode_shelters,
    minute_of,
)
from dashboard.maps.texts import TEXTS
from dashboard.maps.tiles import DEFAULT_TILES, get_tile_provider

_HERE = Path(__file__).resolve().parent
# Browser code and styles, read once and inlined: streamlit-folium runs the map script itself,
# so no extra file has to be served.
LIBRARY_JS = "\n".join(
    (_HERE / name).read_text(encoding="utf-8") for name in ("command_map.js", "command_map_load.js")
)
LIBRARY_CSS = (_HERE / "command_map.css").read_text(encoding="utf-8")
# Translation keys the browser code needs, besides those of the style config.
BROWSER_TEXT_KEYS = tuple(TEXTS)
# Zoom used when the caller gives a centre but no zoom.
DEFAULT_ZOOM = 12
# Zoom steps of half a level, so fitting the area wastes less of the screen.
ZOOM_SNAP = 0.5
# The governor's municipalities keep their labels (names, 第N報 marks) down to this zoom.
MUNICIPALITY_LABEL_MIN_ZOOM = 8
# Texts that name the silence interval as {minutes}.
SILENT_TEXT_KEYS = ("map.silent", "map.silent.note")
# Silence interval named in the legend when the caller gives none (the settings' default).
DEFAULT_SILENT_MINUTES = 30
# Where the map starts when there is nothing to fit (the centre of Japan).
FALLBACK_CENTER = (36.2, 138.25)
FALLBACK_ZOOM = 5


class RawElement(Element):
    """Text placed in the page as it is.

    folium's MacroElement.render wraps each rendered macro in a new ``Element(text)``, which
    compiles the text as a Jinja template a second time: slow for a large payload, and it would
    evaluate any ``{{ ... }}`` that reached the page. This element renders without Jinja.
    """

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs: object) -> str:
        return self._text


class SituationLayer(MacroElement):
    """Areas, shelters, damage reports, layer control and legend, drawn from one payload.

    streamlit-folium calls the template's ``header`` and ``script`` macros directly; a plain
    folium render goes through :meth:`render`, which never re-reads the output as a template.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.library }}
            DisasterMap.draw({{ this._parent.get_name() }}, {{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: str):
        super().__init__()
        self._name = "SituationLayer"
        self.payload = payload
        self.library = LIBRARY_JS
        self.css = LIBRARY_CSS

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self._name} must be on a map inside a folium Figure")
        module = self._template.module
        figure.header.add_child(RawElement(module.header(self, kwargs)), name=self.get_name())
        figure.script.add_child(RawElement(module.script(self, kwargs)), name=self.get_name())


class MapLibrary(SituationLayer):
    """The drawing code and styles alone: the part of a live map that never changes."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.library }}
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__("")
        self._name = "MapLibrary"


class SituationData(SituationLayer):
    """The data of a live map, drawn into ``map`` (re-drawn in place when it changes)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}{% endmacro %}
        {% macro script(this, kwargs) %}
            DisasterMap.draw({{ this.map.get_name() }}, {{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: str, map: folium.Map):
        super().__init__(payload)
        self._name = "SituationData"
        self.map = map


@dataclass(frozen=True)
class LiveMap:
    """A situation map split for a host that keeps it mounted: ``map`` holds the drawing code
    (the same on every refresh), ``data`` the payload that draws into it."""

    map: folium.Map
    data: folium.FeatureGroup


def live_map(m: folium.Map) -> LiveMap:
    """Split a map from :func:`build_command_map` or :func:`build_overview_map` into its
    unchanging part and its data (see the module docstring)."""
    layers = [(name, child) for name, child in m._children.items() if type(child) is SituationLayer]
    if len(layers) != 1:
        raise ValueError("not a situation map")
    name, layer = layers[0]
    del m._children[name]
    MapLibrary().add_to(m)
    data = folium.FeatureGroup(name="situation", control=False)
    SituationData(layer.payload, m).add_to(data)
    return LiveMap(m, data)


def _initial_view(
    fit: list | None, center: tuple[float, float] | None, zoom: int | None
) -> tuple[tuple[float, float], int]:
    if center is not None:
        return (float(center[0]), float(center[1])), DEFAULT_ZOOM if zoom is None else int(zoom)
    if fit is not None:
        (south, west), (north, east) = fit
        return ((south + north) / 2, (west + east) / 2), DEFAULT_ZOOM if zoom is None else zoom
    return FALLBACK_CENTER, FALLBACK_ZOOM if zoom is None else int(zoom)


def _point_bounds(frame: pd.DataFrame | None) -> list | None:
    if frame is None or len(frame) == 0:
        return None
    lat = pd.to_numeric(frame["lat"], errors="coerce").dropna()
    lon = pd.to_numeric(frame["lon"], errors="coerce").dropna()
    if lat.empty or lon.empty:
        return None
    return [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]


def encode_situation(
    *,
    areas: pd.DataFrame | None,
    area_layer: str,
    shelters: pd.DataFrame | None,
    reports: pd.DataFrame | None,
    t: Callable[[str], str],
    now: datetime,
    tiles: str,
    center: tuple[float, float] | None,
    zoom: int | None,
    view_key: str | None,
    silent_after_minutes: int,
    selected: Collection[str] = (),
    replay: bool = False,
) -> tuple[str, list | None]:
    """The payload ``DisasterMap.draw`` takes (JSON text) and the bounds to fit, [[S, W], [N, E]]
    or None. Arguments as :func:`build_command_map`'s; ``area_layer`` is "ward" or "area"."""
    t = _naming_interval(t, silent_after_minutes)
    provider = get_tile_provider(tiles)
    now_minute = minute_of(now)
    parts: dict[str, str] = {}
    fit = None
    ward_names: dict[str, str] = {}
    if areas is not None:
        parts["areas"], fit = encode_areas(
            areas, now_minute=now_minute, layer=area_layer, selected=selected
        )
        ward_names = dict(zip(areas["code"].astype(str), areas["name"].astype(str), strict=True))
    if shelters is not None:
        parts["shelters"] = dump_json(encode_shelters(shelters, now_minute=now_minute))
    if reports is not None:
        parts["reports"] = dump_json(
            encode_reports(reports, now_minute=now_minute, ward_names=ward_names, t=t)
        )
    fit = fit or _point_bounds(shelters) or _point_bounds(reports)
    attribution = areas.attrs.get("attribution") if areas is not None else None
    config = {
        "now": now_minute,
        # Clock times in popups are shown in the deployment's zone (Asia/Tokyo), whatever zone
        # ``now`` came in: the server works in UTC.
        "tzo": int(timefmt.local(now).utcoffset().total_seconds() // 60),
        "texts": {key: t(key) for key in BROWSER_TEXT_KEYS},
        "style": build_style_config(t),
        "tiles": provider.to_config(),
        "fillOpacity": FILL_OPACITY_WITH_TILES if provider.url else FILL_OPACITY_WITHOUT_TILES,
        "fit": fit,
        "fixedView": center is not None or zoom is not None,
        "viewKey": view_key,
        "attribution": attribution,
        "areasLabel": t(f"map.layer.{area_layer}s"),
        # Municipalities are large: their names (and 第N報 marks) stay readable further out.
        "labelMinZoom": MUNICIPALITY_LABEL_MIN_ZOOM if area_layer == "area" else None,
        # A replay shows a past moment: its clock stands still.
        "replay": replay,
    }
    config_json = dump_json(config)
    payload = config_json[:-1] + "".join(f',"{key}":{value}' for key, value in parts.items()) + "}"
    return payload, fit


def map_shell(
    fit: list | None,
    *,
    tiles: str,
    center: tuple[float, float] | None,
    zoom: int | None,
    asset_url: str,
) -> folium.Map:
    """The Leaflet map a situation payload is drawn into, centred on ``center`` or ``fit``."""
    provider = get_tile_provider(tiles)
    location, zoom_start = _initial_view(fit, center, zoom)
    m = create_offline_map(
        location=location,
        zoom_start=zoom_start,
        max_zoom=provider.max_zoom,
        zoom_snap=ZOOM_SNAP,
        # Keyboard focus would scroll a half-visible map into view under the user's click.
        keyboard=False,
        asset_url=asset_url,
    )
    return m


def _build_map(
    *,
    tiles: str,
    center: tuple[float, float] | None,
    zoom: int | None,
    asset_url: str,
    **encode: object,
) -> folium.Map:
    payload, fit = encode_situation(tiles=tiles, center=center, zoom=zoom, **encode)
    m = map_shell(fit, tiles=tiles, center=center, zoom=zoom, asset_url=asset_url)
    SituationLayer(payload).add_to(m)
    return m


def _naming_interval(t: Callable[[str], str], minutes: int) -> Callable[[str], str]:
    """``t`` with the silence interval filled into the texts that name it."""

    def named(key: str) -> str:
        text = t(key)
        return text.replace("{minutes}", str(minutes)) if key in SILENT_TEXT_KEYS else text

    return named


def build_command_map(
    wards: pd.DataFrame,
    shelters: pd.DataFrame | None,
    reports: pd.DataFrame | None,
    *,
    t: Callable[[str], str],
    now: datetime,
    tiles: str = DEFAULT_TILES,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    asset_url: str = DEFAULT_ASSET_URL,
    view_key: str | None = "command",
    silent_after_minutes: int = DEFAULT_SILENT_MINUTES,
    selected: Collection[str] = (),
    replay: bool = False,
) -> folium.Map:
    """The mayor's map: wards by situation level, shelters by availability, damage reports.

    Inputs follow the contract in :mod:`dashboard.maps`. ``shelters`` or ``reports`` may be None
    to leave the layer out. ``center``/``zoom`` fix the initial view; without them the map fits
    the wards, or returns to where this browser tab last left it (``view_key`` names that
    memory, None disables it). ``asset_url`` is where the browser finds Leaflet. ``selected``
    wards are outlined; ``replay`` marks a past moment (``now``) whose clock stands still.
    """
    return _build_map(
        areas=wards,
        area_layer="ward",
        shelters=shelters,
        reports=reports,
        t=t,
        now=now,
        tiles=tiles,
        center=center,
        zoom=zoom,
        asset_url=asset_url,
        view_key=view_key,
        silent_after_minutes=silent_after_minutes,
        selected=selected,
        replay=replay,
    )


def build_overview_map(
    areas: pd.DataFrame,
    *,
    t: Callable[[str], str],
    now: datetime,
    tiles: str = DEFAULT_TILES,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    asset_url: str = DEFAULT_ASSET_URL,
    view_key: str | None = "overview",
    silent_after_minutes: int = DEFAULT_SILENT_MINUTES,
    selected: Collection[str] = (),
    replay: bool = False,
) -> folium.Map:
    """The governor's map: municipalities coloured by situation level (same input as wards)."""
    return _build_map(
        areas=areas,
        area_layer="area",
        shelters=None,
        reports=None,
        t=t,
        now=now,
        tiles=tiles,
        center=center,
        zoom=zoom,
        asset_url=asset_url,
        view_key=view_key,
        silent_after_minutes=silent_after_minutes,
        selected=selected,
        replay=replay,
    )
