"""A live situation map whose data the browser fetches by URL (see :mod:`.published`).

:func:`fetched_live_map` is :func:`~dashboard.maps.command_map.live_map` for published data: the
map part holds the drawing code, the data part only ``DisasterMap.load(map, url)``; the host
sends that small script again only when the URL, hence the data, changed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import folium
from folium.template import Template

from dashboard.maps.command_map import LiveMap, MapLibrary, SituationLayer
from dashboard.maps.payload import dump_json, minute_of
from dashboard.maps.published import Published


class SituationFetch(SituationLayer):
    """The data of a live map as a URL the drawing code fetches and draws into ``map``."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}{% endmacro %}
        {% macro script(this, kwargs) %}
            DisasterMap.load({{ this.map.get_name() }}, {{ this.payload }}, {{ this.extra }});
        {% endmacro %}
        """
    )

    def __init__(
        self, url: str, map: folium.Map, selected: Collection[str] = (), seen: int | None = None
    ):
        super().__init__(dump_json(url))  # JSON text safe inside <script>
        self._name = "SituationFetch"
        self.map = map
        self.extra = dump_json({"sel": [str(code) for code in selected], "seen": seen})


def fetched_live_map(
    m: folium.Map,
    published: Published,
    *,
    selected: Collection[str] = (),
    seen: datetime | None = None,
) -> LiveMap:
    """``m`` (a :func:`~dashboard.maps.command_map.map_shell`, possibly with more layers) with
    the drawing code, and the data part that loads ``published`` into it. This tab's own part
    travels beside the shared data: the ``selected`` areas (outlined) and ``seen``, when the tab
    first showed this data (its ages count on from there, not from when it was encoded)."""
    MapLibrary().add_to(m)
    data = folium.FeatureGroup(name="situation", control=False)
    minute = minute_of(seen) if seen is not None else None
    SituationFetch(published.url, m, selected, minute).add_to(data)
    return LiveMap(m, data)
