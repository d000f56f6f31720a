"""The jurisdiction tree (prefecture → municipality → ward) and its boundaries."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import geo
from dashboard.domain import SYSTEM, Actor, Level, Role
from dashboard.errors import ServiceError
from dashboard.services.areas.access import require_role, scope_codes
from dashboard.services.areas.tree import area_tree
from dashboard.services.audit import AuditAction, record_audit
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Jurisdiction

# Coordinates are stored with 6 decimals (about 0.1 m), plenty for ward boundaries.
COORD_PRECISION = 6


@dataclass(frozen=True)
class Area:
    code: str
    parent_code: str | None
    level: str
    name_ja: str
    name_en: str | None
    center_lat: float | None
    center_lon: float | None
    schematic: bool

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_ja


def _geometry_text(geometry) -> str:
    return json.dumps(mapping(shapely.set_precision(geometry, 10.0**-COORD_PRECISION)))


def _text(value: object) -> str | None:
    """A string cell of a frame, or None for missing values (None, NaN, empty)."""
    return value if isinstance(value, str) and value else None


def store_areas(session: Session, areas: gpd.GeoDataFrame, *, schematic: bool) -> Counter:
    """Insert or update jurisdictions from a hierarchy frame (see ``geo.build_hierarchy``).

    Parents are written before children; existing codes keep their rows (users and shelters point
    at them) and get the new names and boundary.
    """
    order = {Level.PREFECTURE: 0, Level.MUNICIPALITY: 1, Level.WARD: 2}
    rows = sorted(areas.itertuples(index=False), key=lambda r: order[Level(r.level)])
    counts: Counter = Counter()
    for row in rows:
        area = session.get(Jurisdiction, row.code) or Jurisdiction(code=row.code)
        area.parent_code = _text(row.parent_code)
        area.level = row.level
        area.name_ja = row.name_ja
        area.name_en = _text(getattr(row, "name_en", None)) or area.name_en
        empty = row.geometry is None or row.geometry.is_empty
        area.boundary_geojson = None if empty else _geometry_text(row.geometry)
        area.boundary_schematic = schematic and not empty
        if not empty:
            point = row.geometry.representative_point()
            area.center_lat, area.center_lon = round(point.y, 6), round(point.x, 6)
        session.add(area)
        session.flush()
        counts[row.level] += 1
    return counts


def import_boundaries(engine: Engine, path: str | Path, *, actor: Actor = SYSTEM) -> Counter:
    """Import real boundaries from a file (replacing schematic ones); returns counts per level.

    Everything is written in one transaction: a bad file changes nothing.
    """
    require_role(actor, (Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN))
    try:
        hierarchy = geo.build_hierarchy(geo.load_boundaries(path))
    except geo.BoundaryFileError as exc:
        raise ServiceError("boundary.error", detail=str(exc)) from exc
    with transaction(engine) as session:
        counts = store_areas(session, hierarchy, schematic=False)
        record_audit(
            session,
            actor,
            AuditAction.BOUNDARIES_IMPORTED,
            entity="jurisdiction",
            detail={"file": Path(path).name, **counts},
        )
    return counts


def _area(row: Jurisdiction) -> Area:
    return Area(
        row.code,
        row.parent_code,
        row.level,
        row.name_ja,
        row.name_en,
        row.center_lat,
        row.center_lon,
        row.boundary_schematic,
    )


def list_areas(engine: Engine, actor: Actor, *, level: str | None = None) -> list[Area]:
    """Jurisdictions in the actor's scope, ordered by code."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = select(Jurisdiction).order_by(Jurisdiction.code)
        if level:
            stmt = stmt.where(Jurisdiction.level == level)
        return [_area(j) for j in session.scalars(stmt) if j.code in scope]


def get_area(engine: Engine, code: str) -> Area | None:
    with reading(engine) as session:
        row = session.get(Jurisdiction, code)
        return _area(row) if row else None


def area_frame(
    session: Session, *, codes: frozenset[str] | None = None, level: str | None = None
) -> gpd.GeoDataFrame:
    """Jurisdictions with boundaries as a GeoDataFrame in EPSG:4326 (code, parent_code, level,
    name_ja, name_en, schematic, geometry); areas without a boundary are left out."""
    stmt = select(Jurisdiction).where(Jurisdiction.boundary_geojson.is_not(None))
    if level:
        stmt = stmt.where(Jurisdiction.level == level)
    records = [
        {
            "code": j.code,
            "parent_code": j.parent_code,
            "level": j.level,
            "name_ja": j.name_ja,
            "name_en": j.name_en,
            "schematic": j.boundary_schematic,
            "geometry": shape(json.loads(j.boundary_geojson)),
        }
        for j in session.scalars(stmt.order_by(Jurisdiction.code))
        if codes is None or j.code in codes
    ]
    columns = ["code", "parent_code", "level", "name_ja", "name_en", "schematic", "geometry"]
    return gpd.GeoDataFrame(records, columns=columns, geometry="geometry", crs="EPSG:4326")


def leaf_frame(session: Session) -> gpd.GeoDataFrame:
    """The smallest areas (wards, and municipalities without wards) that have a boundary, for
    assigning points; which areas are smallest comes from the one area tree."""
    frame = area_frame(session)
    return frame[frame["code"].isin(area_tree(session).leaves())]
