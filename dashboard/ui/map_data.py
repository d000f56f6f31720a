"""The situation map's data, built and encoded once per change for every session of the process.

The page reads its view through ``chrome.shared_read`` (once per data version, minute, scope and
filters); inside that read the view's data is encoded and published (``maps.PUBLISHED``) and the
view kept for the sessions is the light one, without the damage reports (a frame of up to the
whole table, which no session needs once it is encoded). Each session then draws a small map
shell whose script fetches the published data by URL: an idle watcher whose data did not change
costs the page no encoding and sends the browser no payload.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import folium

from dashboard.domain import Actor
from dashboard.maps import (
    PUBLISHED,
    LiveMap,
    Published,
    encode_situation,
    fetched_live_map,
    map_shell,
)
from dashboard.services import changes
from dashboard.services import command_map as cm
from dashboard.ui.state import settings, t

# Zoom when the shelter search finds exactly one shelter.
SEARCH_ZOOM = 16

# Share of the time a map's rebuilds may take at most, however fast reports come in: a rebuild
# of 1.5 s (100,000 reports) is then done at most every 7.5 s (and at most 15 s late), one of
# 20 ms (a city's normal day) as often as the data changes. Unbounded, a report a second would
# mean a rebuild a second, holding the interpreter from the banner polls that carry a directive.
REBUILD_SHARE = 0.2

changes.register_sweep(PUBLISHED)  # published data nobody asks for any more is let go


@dataclass(frozen=True)
class MapRead:
    """What a map session needs: the view without its reports, and its published data."""

    view: cm.SituationView
    published: Published


def _focus(v: cm.SituationView) -> tuple[tuple[float, float] | None, int | None]:
    """Centre and zoom on the one shelter a search found, else none (fit the areas)."""
    if v.matches is not None and len(v.matches) == 1:
        return (float(v.matches.at[0, "lat"]), float(v.matches.at[0, "lon"])), SEARCH_ZOOM
    return None, None


def publish_view(v: cm.SituationView, actor: Actor, lang: str, minute: datetime) -> MapRead:
    """Encode ``v``'s data once for the process (a repeat of the same data finds it encoded)."""
    config = settings()
    clock = PUBLISHED.clock_for(v.key, v.as_of or minute)
    center, zoom = _focus(v)
    overview = v.shelters is None
    key = (v.key, clock, lang, config.tiles, config.silent_after_minutes, center, zoom)

    def build() -> tuple[str, list | None]:
        return encode_situation(
            areas=v.areas,
            area_layer="area" if overview else "ward",
            shelters=v.shelters,
            reports=v.reports,
            t=t,
            now=clock,
            tiles=config.tiles,
            center=center,
            zoom=zoom,
            view_key=f"{'overview' if overview else 'command'}-{v.root}",
            silent_after_minutes=config.silent_after_minutes,
            replay=v.as_of is not None,
        )

    published = PUBLISHED.publish(key, (actor.jurisdiction_code, actor.role), build)
    return MapRead(dataclasses.replace(v, reports=None), published)


def live_shell(
    read: MapRead, asset_url: str, selected: list[str], staffing, seen: datetime
) -> LiveMap:
    """The map this session draws: the shell (with ``staffing(m)``'s layers) and the script
    that loads the published data, ``selected`` areas outlined, ages counted from ``seen``."""
    center, zoom = _focus(read.view)
    m: folium.Map = map_shell(
        read.published.fit,
        tiles=settings().tiles,
        center=center,
        zoom=zoom,
        asset_url=asset_url,
    )
    return fetched_live_map(staffing(m), read.published, selected=selected, seen=seen)
