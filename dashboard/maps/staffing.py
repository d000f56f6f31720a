"""The "staffing" layer of the command map: each unit outlined in the colour of its 参集率
(mobilisation rate) with the rate as a label, beside the damage the situation layer shows.

Counts only: the layer gets per unit a rate, arrived and required staff and a colour, and puts
nothing else in the page (no name, no person). Outlines and labels take no clicks, so a click
still opens the ward underneath. Drawn by a few lines of Leaflet of its own, so it does not
depend on ``command_map.js``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Figure
from folium.elements import MacroElement
from folium.template import Template

from dashboard.maps.command_map import RawElement
from dashboard.maps.payload import COORD_DECIMALS, dump_json

# Simplification of the outlines, in degrees (about 30 m): the outline is a hint, not a boundary.
OUTLINE_TOLERANCE = 0.0003
# Outline width in pixels; dashed so it reads apart from the situation layer's ward borders.
OUTLINE_WEIGHT = 4
OUTLINE_DASH = "8 6"


class UnitStaffing(Protocol):
    """What the layer reads of one unit (``rollcall.Staffing`` fits)."""

    rate: float
    arrived: int
    required: int
    colour: str


SCRIPT = """
(function (map, data) {
  var group = L.layerGroup().addTo(map);
  L.geoJSON(data.features, {
    interactive: false,
    style: function (f) {
      return {color: f.properties.colour, weight: data.weight, dashArray: data.dash,
              fill: false, opacity: 0.95};
    }
  }).addTo(group);
  data.labels.forEach(function (label) {
    var box = document.createElement("div");
    box.className = "staffing-label";
    box.style.cssText = "background:#fff;color:#000;border:3px solid " + label.colour +
      ";border-radius:4px;padding:0 4px;font:bold 12px sans-serif;white-space:nowrap";
    box.textContent = label.text;
    box.title = label.title;
    L.marker([label.lat, label.lon], {
      interactive: false, keyboard: false,
      icon: L.divIcon({className: "", html: box, iconSize: null, iconAnchor: [18, -12]})
    }).addTo(group);
  });
})(%(map)s, %(data)s);
"""


class StaffingLayer(MacroElement):
    """The staffing outlines and labels, as one script after the map's own (see
    ``SituationLayer`` for why it never goes through Jinja twice)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}
        """
    )

    def __init__(self, payload: str):
        super().__init__()
        self._name = "StaffingLayer"
        self.payload = payload

    @property
    def code(self) -> str:
        return SCRIPT % {"map": self._parent.get_name(), "data": self.payload}

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("StaffingLayer must be on a map inside a folium Figure")
        figure.script.add_child(RawElement(self.code), name=self.get_name())


def staffing_payload(
    areas: pd.DataFrame, staffing: Mapping[str, UnitStaffing], *, t: Callable[..., str]
) -> dict[str, object]:
    """Outlines (GeoJSON features with only the code and colour) and labels of the units of
    ``areas`` (a GeoDataFrame with ``code`` and ``geometry``, any CRS) that have a rate."""
    if getattr(areas, "crs", None) is not None and areas.crs.to_epsg() != 4326:
        areas = areas.to_crs(4326)
    rows = areas[areas["code"].astype(str).isin(set(staffing))]
    geometries = np.asarray(rows.geometry.values, dtype=object)
    present = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    codes = rows["code"].astype(str).to_numpy()[present]
    geometries = shapely.simplify(geometries[present], OUTLINE_TOLERANCE)
    points = shapely.point_on_surface(geometries)
    features, labels = [], []
    for code, geometry, point in zip(codes, geometries, points, strict=True):
        unit = staffing[code]
        rounded = shapely.transform(geometry, lambda xy: np.round(xy, COORD_DECIMALS))
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(rounded),
                "properties": {"code": code, "colour": unit.colour},
            }
        )
        percent = round(100 * unit.rate)
        labels.append(
            {
                "lat": round(point.y, COORD_DECIMALS),
                "lon": round(point.x, COORD_DECIMALS),
                "colour": unit.colour,
                "text": t("map.staffing.label", rate=percent),
                "title": t(
                    "map.staffing.tooltip",
                    rate=percent,
                    arrived=int(unit.arrived),
                    required=int(unit.required),
                ),
            }
        )
    return {"features": features, "labels": labels, "weight": OUTLINE_WEIGHT, "dash": OUTLINE_DASH}


def add_staffing_layer(
    m: folium.Map,
    areas: pd.DataFrame,
    staffing: Mapping[str, UnitStaffing],
    *,
    t: Callable[..., str],
) -> folium.Map:
    """Draw the staffing layer on ``m`` (a map of :func:`build_command_map`); nothing when no
    unit has a rate (no open roll-call)."""
    if staffing:
        StaffingLayer(dump_json(staffing_payload(areas, staffing, t=t))).add_to(m)
    return m
