"""What the ward reporting screens share: form parsing, storage failures, where a point lies,
and the small location map used to pick a point.

Ward staff type on phones, under stress, over bad networks. Parsing collects every field's
problem at once (so the form can show each message next to its field), and a database that is
down or busy becomes a ``StorageUnavailable`` the page can explain and offer to retry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import geopandas as gpd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

import geo
from dashboard.domain import Level
from dashboard.services.access import Actor, scope_codes
from dashboard.services.errors import ServiceError, ValidationFailed
from dashboard.services.inputs import InputError
from dashboard.services.jurisdictions import area_frame, leaf_frame
from dashboard.storage.db import reading
from dashboard.storage.models import Jurisdiction

T = TypeVar("T")

# Errors that mean "the database is down, unreachable or too busy right now", not "bad data".
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)
# How many boundary versions of leaf areas are kept (one per database in practice).
_LEAF_CACHE_SIZE = 8

_leaf_cache: dict[tuple[str, Any], gpd.GeoDataFrame] = {}
_leaf_lock = threading.Lock()


class StorageUnavailable(ServiceError):
    """The database could not be reached or was too busy; nothing was written."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("reporting.db_unavailable", detail=detail)


@contextmanager
def storage_guard() -> Iterator[None]:
    """Turn a database outage into ``StorageUnavailable`` (the write was rolled back)."""
    try:
        yield
    except UNAVAILABLE_ERRORS as exc:
        raise StorageUnavailable(type(getattr(exc, "orig", None) or exc).__name__) from exc


def parse_fields(
    raw: Mapping[str, str | None], parsers: Mapping[str, Callable[[str | None], T]]
) -> dict[str, T]:
    """Parse every field with its parser; raise one ``ValidationFailed`` naming all bad fields."""
    values: dict[str, T] = {}
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    for name, parse in parsers.items():
        try:
            values[name] = parse(raw.get(name))
        except InputError as exc:
            problems[name] = (exc.key, {k: _shown(v) for k, v in exc.params.items()})
    if problems:
        raise ValidationFailed(problems)
    return values


def _shown(value: object) -> object:
    """Show 180.0 as 180 in messages, as ``InputError.message`` does."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def optional(parse: Callable[[str | None], T]) -> Callable[[str | None], T | None]:
    """A parser that gives None for an empty field instead of "required"."""

    def parse_optional(text: str | None) -> T | None:
        return parse(text) if text is not None and text.strip() else None

    return parse_optional


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
    with storage_guard(), reading(engine) as session:
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
    with storage_guard(), reading(engine) as session:
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
    with storage_guard(), reading(engine) as session:
        rows = session.execute(
            select(Jurisdiction.code, Jurisdiction.name_ja, Jurisdiction.name_en)
        )
        return {code: (en if lang == "en" and en else ja) for code, ja, en in rows}
