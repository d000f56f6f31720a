"""Where things lie: the ward of a point, the small location map's base, area names.

Ward staff pick a point on a phone; the ward comes from point-in-area against the leaf areas,
parsed once per boundary version and shared by every session of the process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import geo
from dashboard.domain import Actor, Level
from dashboard.services.areas.access import scope_codes
from dashboard.services.areas.jurisdictions import area_frame, leaf_frame
from dashboard.services.areas.tree import area_tree
from dashboard.storage.db import reading
from dashboard.storage.models import Jurisdiction

# How many boundary versions of leaf areas are kept (one per database in practice).
_LEAF_CACHE_SIZE = 8

_leaf_cache: dict[tuple[str, Any], gpd.GeoDataFrame] = {}
_leaf_lock = threading.Lock()


# --- Where a point lies --------------------------------------------------------------------


def _boundary_version(session: Session) -> tuple:
    stmt = select(func.count(), func.max(Jurisdiction.updated_at)).where(
        Jurisdiction.boundary_geojson.is_not(None)
    )
    return tuple(session.execute(stmt).one())


def cached_leaf_frame(session: Session) -> gpd.GeoDataFrame:
    """The leaf areas for point lookups, parsed once per boundary version.

    Parsing 24 ward boundaries takes milliseconds; a report is written while holding SQLite's
    write lock, so doing it for every report would serialise that work across all writers.
    """
    key = (str(session.get_bind().url), _boundary_version(session))
    with _leaf_lock:
        frame = _leaf_cache.get(key)
    if frame is None:
        frame = leaf_frame(session)
        with _leaf_lock:
            if len(_leaf_cache) >= _LEAF_CACHE_SIZE:
                _leaf_cache.clear()
            _leaf_cache[key] = frame
    return frame


def ward_at(session: Session, lat: float, lon: float) -> str | None:
    """The ward (or ward-less municipality) containing the point, or None outside all of them."""
    areas = cached_leaf_frame(session)
    return geo.assign_area(lat, lon, areas) if len(areas) else None


@dataclass(frozen=True)
class Place:
    """Where a picked point lies, as the form shows it before saving."""

    ward_code: str | None
    name_ja: str | None
    name_en: str | None
    in_scope: bool

    def name(self, lang: str) -> str | None:
        return self.name_en if lang == "en" and self.name_en else self.name_ja


def locate(engine: Engine, actor: Actor, lat: float, lon: float) -> Place:
    """The ward of a point and whether it lies inside the actor's own area."""
    with reading(engine) as session:
        code = ward_at(session, lat, lon)
        area = session.get(Jurisdiction, code) if code else None
        return Place(
            code,
            area.name_ja if area else None,
            area.name_en if area else None,
            code is not None and code in scope_codes(session, actor),
        )


# --- The location map ----------------------------------------------------------------------


@dataclass(frozen=True)
class MapBase:
    """What the location map draws: the areas around the actor, their own area, a centre."""

    center: tuple[float, float]
    home_codes: frozenset[str]
    areas: gpd.GeoDataFrame


def map_base(engine: Engine, actor: Actor) -> MapBase:
    """Leaf areas of the actor's municipality (their own highlighted), centred on their area."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        home = session.get(Jurisdiction, actor.jurisdiction_code)
        city_code = home.parent_code if home is not None and home.level == Level.WARD else None
        leaves = cached_leaf_frame(session)
        if city_code:
            leaves = leaves[leaves["parent_code"] == city_code]
        else:
            leaves = leaves[leaves["code"].isin(scope)]
        if home is not None and home.center_lat is not None:
            center = (home.center_lat, home.center_lon)
        elif len(leaves):
            point = leaves.geometry.union_all().representative_point()
            center = (point.y, point.x)
        else:
            frame = area_frame(session)
            point = frame.geometry.union_all().representative_point() if len(frame) else None
            center = (point.y, point.x) if point is not None else (34.6937, 135.5023)
        return MapBase(center, frozenset(scope), leaves.reset_index(drop=True))


def area_names(engine: Engine, lang: str) -> dict[str, str]:
    """Names of all jurisdictions by code in ``lang`` (names are public, so not scoped)."""
    with reading(engine) as session:
        tree = area_tree(session)
        return {code: tree.name(code, lang) for code in tree.names}
