"""What every view of the map starts from: the data version, the jurisdiction tree and its
boundaries, the actor's scope and the (cached) frames of the current mode, from which each ward's
situation is added up and assessed by :func:`dashboard.services.situation.assess_wards`.

The frames give the same totals as the SQL of ``situation.ward_situations`` (a test holds them
together) in milliseconds instead of a group-by over every report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.domain import SYSTEM, Actor, ReviewState, ShelterKind, ShelterState
from dashboard.errors import NotFound, PermissionDenied
from dashboard.services.areas import AreaTree, area_frame, area_tree
from dashboard.services.command_map.cache import EngineCache, cache_for, frame_from_rows
from dashboard.services.command_map.version import DataVersion, data_version
from dashboard.services.modes import Declaration, active_declarations
from dashboard.services.situation import (
    INACTIVE_REVIEW_STATES,
    SERIOUS_SEVERITY,
    WardSituation,
    assess_wards,
    last_answer_by_ward,
    last_status_by_ward,
)
from dashboard.settings import Settings
from dashboard.storage.db import reading
from dashboard.storage.models import Exercise, Shelter, ShelterStatus

# Columns of the shelter frame: every active shelter with its latest status of the mode.
SHELTER_COLUMNS = (
    "id",
    "name",
    "kana",
    "kind",
    "lat",
    "lon",
    "capacity",
    "ward_code",
    "state",
    "evacuees",
    "updated_at",
)
# Shelter states whose evacuees and capacity count (as in services.situation).
IN_USE_STATES = (ShelterState.OPEN.value, ShelterState.FULL.value)
# A shelter opened on the day did not exist before it was created.
ADHOC_KIND = ShelterKind.ADHOC.value

T = TypeVar("T")


def _read(engine: Engine, read: Callable[[Session], T]) -> T:
    with reading(engine) as session:
        return read(session)


def _load_shelters(engine: Engine, exercise: bool, as_of: datetime | None = None) -> pd.DataFrame:
    """Every active shelter with its latest status of the mode (the latest by ``as_of``)."""
    latest = select(ShelterStatus.shelter_id, func.max(ShelterStatus.id).label("status_id"))
    latest = latest.where(ShelterStatus.exercise == exercise)
    if as_of is not None:  # statuses are appended: the one in force then is the last before
        latest = latest.where(ShelterStatus.reported_at <= as_of)
    latest = latest.group_by(ShelterStatus.shelter_id).subquery()
    stmt = (
        select(
            Shelter.id,
            Shelter.name,
            Shelter.kana,
            Shelter.kind,
            Shelter.lat,
            Shelter.lon,
            Shelter.capacity,
            Shelter.ward_code,
            ShelterStatus.state,
            ShelterStatus.evacuees,
            ShelterStatus.reported_at,
        )
        .outerjoin(latest, latest.c.shelter_id == Shelter.id)
        .outerjoin(ShelterStatus, ShelterStatus.id == latest.c.status_id)
        .where(Shelter.active.is_(True))
        .order_by(Shelter.ward_code, Shelter.name, Shelter.id)
    )
    # Ad-hoc shelters opened during a drill exist only in the drill.
    if not exercise:
        stmt = stmt.where(Shelter.exercise.is_(False))
    if as_of is not None:  # an ad-hoc shelter opened later did not exist yet
        stmt = stmt.where((Shelter.kind != ADHOC_KIND) | (Shelter.created_at <= as_of))
    with reading(engine) as session:
        rows = session.execute(stmt).all()
    frame = frame_from_rows(rows, SHELTER_COLUMNS)
    frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True)
    frame["evacuees"] = frame["evacuees"].fillna(0).astype("int64")
    # Nullable: an unknown capacity (None) stays unknown, never 0.
    frame["capacity"] = frame["capacity"].astype("Int64")
    frame["state"] = frame["state"].astype(object).where(frame["state"].notna(), None)
    return frame


@dataclass(frozen=True)
class Activity:
    """Small per-ward facts that are not in the frames: when a ward last sent a shelter status
    or answered a directive, the declarations in force and the running drill."""

    statuses: dict[str, datetime]
    directives: dict[str, datetime]
    declarations: tuple[Declaration, ...]
    drill_name: str | None


def _load_activity(engine: Engine, exercise: bool, as_of: datetime | None = None) -> Activity:
    with reading(engine) as session:
        drill = session.scalars(
            select(Exercise.name).where(Exercise.ended_at.is_(None)).order_by(Exercise.id.desc())
        ).first()
        return Activity(
            statuses=last_status_by_ward(session, exercise=exercise, as_of=as_of),
            directives=last_answer_by_ward(session, exercise=exercise, as_of=as_of),
            declarations=tuple(active_declarations(session, exercise=exercise, as_of=as_of)),
            drill_name=drill,
        )


def reports_as_of(reports: pd.DataFrame, as_of: datetime | None) -> pd.DataFrame:
    """The reports as they stood at ``as_of``: those reported by then, a review made later
    undone (the report was still unreviewed: only the last review's time is kept)."""
    if as_of is None:
        return reports
    moment = pd.Timestamp(as_of)
    earlier = reports.loc[reports["reported_at"] <= moment]
    later = earlier["reviewed_at"] > moment
    if not later.any():
        return earlier.reset_index(drop=True)
    earlier = earlier.copy()
    earlier.loc[later, "review_state"] = ReviewState.NEW.value
    earlier.loc[later, "reviewed_at"] = pd.NaT
    return earlier.reset_index(drop=True)


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def compute_situations(
    tree: AreaTree,
    reports: pd.DataFrame,
    shelters: pd.DataFrame,
    activity: Activity,
    *,
    since: datetime | None,
    now: datetime,
    silent_after: timedelta,
) -> dict[str, WardSituation]:
    """Every leaf area's situation: the frames' per-ward totals, assessed by ``assess_wards``.

    ``reports`` are the mode's reports; ``shelters`` carry their latest status of the mode.
    """
    active = reports.loc[~reports["review_state"].isin(INACTIVE_REVIEW_STATES)]
    if since is not None:
        active = active.loc[active["reported_at"] >= pd.Timestamp(since)]
    damage = (
        active.assign(serious=active["severity"] >= SERIOUS_SEVERITY)
        .groupby(["ward_code", "severity"])
        .agg(
            reports=("id", "size"),
            serious=("serious", "sum"),
            dead=("dead", "sum"),
            injured=("injured", "sum"),
            missing=("missing", "sum"),
            trapped=("trapped", "sum"),
        )
        .reset_index()
    )
    in_use = shelters["state"].isin(IN_USE_STATES)
    per_ward = (
        pd.DataFrame(
            {
                "ward_code": shelters["ward_code"],
                "open": shelters["state"] == ShelterState.OPEN.value,
                "full": shelters["state"] == ShelterState.FULL.value,
                "evacuees": shelters["evacuees"].where(in_use, 0),
                "capacity": shelters["capacity"].where(in_use, 0).fillna(0),
                "capacity_unknown": in_use & shelters["capacity"].isna(),
            }
        )
        .groupby("ward_code")[["open", "full", "evacuees", "capacity", "capacity_unknown"]]
        .sum()
        .reset_index()
    )
    last_report = reports.groupby("reporter_ward_code")["reported_at"].max()
    reported = {code: at.to_pydatetime() for code, at in last_report.items() if not pd.isna(at)}
    last_activity = {
        code: _latest(
            reported.get(code), activity.statuses.get(code), activity.directives.get(code)
        )
        for code in {*reported, *activity.statuses, *activity.directives}
    }
    return assess_wards(
        tree,
        tree.leaves(),
        damage=damage.itertuples(index=False, name=None),
        shelters=per_ward.itertuples(index=False, name=None),
        last_activity=last_activity,
        declarations=activity.declarations,
        now=now,
        silent_after=silent_after,
    )


@dataclass(frozen=True)
class Basis:
    """What every view starts from: the version, the jurisdictions, the actor's scope and the
    (cached) frames of the current mode."""

    engine: Engine
    version: DataVersion
    tree: AreaTree
    scope: frozenset[str]
    # The area the actor's map opens on: their own, or a department's city or prefecture.
    home: str = ""

    @property
    def cache(self) -> EngineCache:
        return cache_for(self.engine)

    def boundaries(self) -> gpd.GeoDataFrame:
        """The jurisdictions' boundaries (EPSG:4326), which the tree does not hold."""
        key = ("boundaries", self.version.areas)
        return self.cache.remember(key, lambda: _read(self.engine, area_frame))

    def reports(self, as_of: datetime | None = None) -> tuple[int, pd.DataFrame]:
        """(revision, the reports of the current mode), as they stood at ``as_of`` if given."""
        revision, reports = self.cache.reports.current(self.engine, self.version)
        # Not cached: a mask costs milliseconds, a kept frame per moment of a replay would
        # hold a copy of every report for each step played.
        return revision, reports_as_of(reports, as_of)

    def shelters(self, as_of: datetime | None = None) -> pd.DataFrame:
        """Active shelters with their latest status of the mode (by ``as_of``, if given)."""
        key = ("shelters", self.version.shelters, self.version.modes, as_of)
        exercise = self.version.exercise
        return self.cache.remember(key, lambda: _load_shelters(self.engine, exercise, as_of))

    def activity(self, as_of: datetime | None = None) -> Activity:
        key = ("activity", self.version, as_of)
        exercise = self.version.exercise
        return self.cache.remember(key, lambda: _load_activity(self.engine, exercise, as_of))

    def situations(
        self,
        *,
        since: datetime | None,
        now: datetime,
        settings: Settings,
        as_of: datetime | None = None,
    ) -> dict[str, WardSituation]:
        """Every leaf's situation (all scopes), per version, window and minute; with ``as_of``,
        as it was then (from the appended history; ``now`` is then ``as_of``)."""
        now = as_of or now
        minute = int(now.timestamp() // 60)
        key = ("situations", self.version, since, minute, settings.silent_after_minutes, as_of)

        def compute() -> dict[str, WardSituation]:
            _, reports = self.reports(as_of)
            return compute_situations(
                self.tree,
                reports,
                self.shelters(as_of),
                self.activity(as_of),
                since=since,
                now=now,
                silent_after=timedelta(minutes=settings.silent_after_minutes),
            )

        return self.cache.remember(key, compute)

    def check_area(self, code: str | None) -> str:
        """``code`` if it exists and lies in the actor's scope."""
        if not code or code not in self.tree.parents:
            raise NotFound()
        if code not in self.scope:
            raise PermissionDenied()
        return code


def load_basis(engine: Engine, actor: Actor) -> Basis:
    """The data version, the (cached) jurisdiction tree and the actor's scope."""
    version = data_version(engine)
    cache = cache_for(engine)
    tree = cache.remember(("tree", version.areas), lambda: _read(engine, area_tree))
    # A department user reads the situation of their city (read-only: writes are refused in the
    # services), so their map's scope is the city's.
    home = tree.home_area(actor.jurisdiction_code)
    if actor is SYSTEM:
        scope = frozenset(tree.parents)
    elif home in tree.parents:
        key = ("scope", version.areas, home)
        scope = cache.remember(key, lambda: tree.subtree(home))
    else:
        scope = frozenset()
    return Basis(engine, version, tree, scope, home)
