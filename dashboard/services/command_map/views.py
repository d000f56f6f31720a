"""Read side of the command map: the frames the situation maps draw, the header's key figures,
a ward's details for the side panel and the governor's municipal overview.

Everything is scoped by the actor (``services.access``) and shows only the current mode's data
(real or drill, as ``drills.exercise_now`` says). The map refreshes every few seconds in every
open browser, so reads are built for that:

- a *data version* (highest ids, a few timestamps of small tables, the audit log's last id) is
  read in one cheap query; everything derived is cached per process under it, so a refresh
  with no new data costs that query and some pandas filtering;
- all damage reports live in one frame per process that is brought up to date incrementally
  (new rows by id, reviewed rows by ``reviewed_at``) instead of being read again;
- ward levels and silence follow the rules of :mod:`dashboard.services.situation`
  (``situation_level``, ``is_silent``), computed from those frames: the same numbers as
  ``ward_situations`` (a test holds them together) in milliseconds instead of a
  group-by over every report.

Nothing is shared between processes but the database. Every write through the services records
an audit entry, so it changes the version; cached entries also expire after ``CACHE_MAX_AGE``,
which bounds how long a write made behind the services' back can go unseen.
"""

from __future__ import annotations

import threading
import time
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine, Integer, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from dashboard.domain import (
    CASUALTY_FIELDS,
    DAMAGE_CATEGORIES,
    SEVERITIES,
    SYSTEM,
    Actor,
    Level,
    ReviewState,
    ShelterState,
)
from dashboard.errors import NotFound, PermissionDenied
from dashboard.maps.payload import REPORT_COLUMNS as MAP_REPORT_COLUMNS
from dashboard.services.areas import area_frame
from dashboard.services.modes import Declaration, active_declarations
from dashboard.services.situation import (
    INACTIVE_REVIEW_STATES,
    SERIOUS_SEVERITY,
    WardSituation,
    is_silent,
    last_answer_by_ward,
    last_status_by_ward,
    situation_level,
)
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading
from dashboard.storage.models import (
    AuditEntry,
    DamageReport,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    Exercise,
    Jurisdiction,
    Shelter,
    ShelterStatus,
    utcnow,
)
from dashboard.timefmt import format_time

# Time windows of the filter: key -> how far back reports count (None: all of them).
TIME_WINDOWS: dict[str, timedelta | None] = {
    "1h": timedelta(hours=1),
    "3h": timedelta(hours=3),
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
    "all": None,
}
DEFAULT_WINDOW = "all"
# Review states shown unless the user asks for more: reports that still describe a live problem.
DEFAULT_REVIEW_STATES = tuple(s.value for s in ReviewState if s.value not in INACTIVE_REVIEW_STATES)
# Characters of a description read for the map; its popups show at most 80 (the list shows all).
DESCRIPTION_FETCH_CHARS = 81
# Cached values per engine, and how long any of them is trusted at most.
CACHE_ENTRIES = 64
CACHE_MAX_AGE = timedelta(minutes=5)
# Shelter states in the order the side panel lists them (most pressing first); a shelter that
# never reported comes before the closed ones.
SHELTER_STATE_ORDER = {
    ShelterState.FULL.value: 0,
    ShelterState.OPEN.value: 1,
    ShelterState.PREPARING.value: 2,
    ShelterState.CLOSED.value: 4,
}
UNREPORTED_ORDER = 3
# Shelter states whose evacuees and capacity count (as in services.situation).
IN_USE_STATES = (ShelterState.OPEN.value, ShelterState.FULL.value)

# Columns of the cached frames: every report of both modes (the map's columns and what keeps
# the frame up to date), every active shelter with its latest status, and an area's summary.
REPORT_COLUMNS = (*MAP_REPORT_COLUMNS, "reporter_ward_code", "reviewed_at", "exercise")
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
AREA_COLUMNS = (
    "code",
    "name",
    "level",
    "silent",
    "open_shelters",
    "evacuees",
    "capacity",
    "reports",
    "casualties",
    "last_report_at",
)

T = TypeVar("T")


# --- data version and cache -----------------------------------------------------------------


@dataclass(frozen=True)
class DataVersion:
    """What the data looks like now, by table group; every part is cheap to read."""

    areas: tuple
    audit: int | None
    reports: int | None
    shelters: tuple
    directives: tuple
    modes: tuple

    @property
    def exercise(self) -> bool:
        """Whether a drill is running (views then show drill data)."""
        return bool(self.modes[-1])

    @property
    def drill_clears(self) -> tuple:
        """Changes when drill data is deleted (reports can disappear only then)."""
        return self.modes[3:6]


# Per part, the aggregates read (ids are primary keys; the other tables are small).
_VERSION_PARTS: dict[str, tuple] = {
    "areas": (func.count(Jurisdiction.code), func.max(Jurisdiction.updated_at)),
    "audit": (func.max(AuditEntry.id),),
    "reports": (func.max(DamageReport.id),),
    "shelters": (func.count(Shelter.id), func.max(Shelter.updated_at), func.max(ShelterStatus.id)),
    "directives": (
        func.max(Directive.id),
        func.max(DirectiveDelivery.id),
        func.max(DirectiveDelivery.acknowledged_at),
        func.max(DirectiveDelivery.answered_at),
    ),
    "modes": (
        func.count(DisasterDeclaration.id),
        func.max(DisasterDeclaration.id),
        func.max(DisasterDeclaration.ended_at),
        func.max(Exercise.id),
        func.max(Exercise.ended_at),
        func.max(Exercise.cleared_at),
        func.count(Exercise.id).filter(Exercise.ended_at.is_(None)),
    ),
}
_SINGLE_VALUE_PARTS = ("audit", "reports")


def read_data_version(session: Session) -> DataVersion:
    """The data version, in one query of scalar subqueries."""
    columns = [
        select(expression).scalar_subquery()
        for group in _VERSION_PARTS.values()
        for expression in group
    ]
    row = list(session.execute(select(*columns)).one())
    values: dict[str, Any] = {}
    for name, group in _VERSION_PARTS.items():
        part, row = tuple(row[: len(group)]), row[len(group) :]
        values[name] = part[0] if name in _SINGLE_VALUE_PARTS else part
    return DataVersion(**values)


def data_version(engine: Engine) -> DataVersion:
    with reading(engine) as session:
        return read_data_version(session)


class Memo:
    """A small LRU of computed values with a maximum age, for the threads of one process.

    Sessions refreshing at the same moment wait for the one computing a value instead of all
    computing it.
    """

    def __init__(self, entries: int = CACHE_ENTRIES, max_age: timedelta = CACHE_MAX_AGE):
        self._entries = entries
        self._max_age = max_age.total_seconds()
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._pending: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def _fresh(self, key: Hashable) -> tuple[bool, Any]:
        item = self._items.get(key)
        if item is not None and time.monotonic() - item[0] < self._max_age:
            self._items.move_to_end(key)
            return True, item[1]
        return False, None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            found, value = self._fresh(key)
            if found:
                return value
            pending = self._pending.setdefault(key, threading.Lock())
        with pending:
            with self._lock:
                found, value = self._fresh(key)
            if found:
                return value
            try:
                value = compute()
                with self._lock:
                    self._items[key] = (time.monotonic(), value)
                    self._items.move_to_end(key)
                    while len(self._items) > self._entries:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            return value


# --- damage reports, kept up to date incrementally --------------------------------------------


def _report_select():
    table = DamageReport.__table__
    # Times as the driver returns them and flags as integers: pandas converts whole columns
    # at once, far faster than a result processor per value.
    raw_types = {"reported_at": String(), "reviewed_at": String(), "exercise": Integer()}
    columns = []
    for name in REPORT_COLUMNS:
        if name == "description":
            column = func.substr(table.c.description, 1, DESCRIPTION_FETCH_CHARS)
        elif name in raw_types:
            column = type_coerce(table.c[name], raw_types[name])
        else:
            column = table.c[name]
        columns.append(column.label(name))
    # Ordered by id with no other condition: SQLite then reads the table in its own order.
    return select(*columns).order_by(table.c.id)


def _fetch_all(session: Session, stmt) -> list[tuple]:
    """Rows as plain tuples straight from the driver (SQLAlchemy's Row objects cost about a
    second per 100,000 reports). Only for statements without parameters."""
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _columns(rows: list, names: Iterable[str]) -> pd.DataFrame:
    """A frame from result rows: driver tuples as they are, SQLAlchemy Rows made tuples first.
    ``from_records`` converts tuples column by column in C (0.2 s for 100,000 reports, against
    0.47 s for one list per column)."""
    if rows and not isinstance(rows[0], tuple):
        rows = [tuple(row) for row in rows]
    return pd.DataFrame.from_records(rows, columns=list(names))


def _report_frame(rows: list) -> pd.DataFrame:
    frame = _columns(rows, REPORT_COLUMNS)
    for name in ("reported_at", "reviewed_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
    for name in ("id", "severity", *CASUALTY_FIELDS):
        frame[name] = frame[name].astype("int64")
    frame["exercise"] = frame["exercise"].astype(bool)
    return frame


class ReportStore:
    """Every damage report of both modes as one frame, read once and then brought up to date.

    Reports are appended; the only change to one is its review (which sets ``reviewed_at``), and
    only clearing drill data deletes any. So an update reads the rows with a new id or a newer
    review; a cleared drill, or ``CACHE_MAX_AGE``, reads everything again. Each change makes a
    new frame (a caller's frame never changes under it) and a new revision.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: pd.DataFrame | None = None
        self._by_mode: dict[bool, pd.DataFrame] = {}
        self.revision = 0
        self._seen: tuple | None = None
        self._clears: tuple | None = None
        self._loaded_at = 0.0

    def current(self, engine: Engine, version: DataVersion) -> tuple[int, pd.DataFrame]:
        """(revision, the reports of the version's mode); the revision changes with the data."""
        seen = (version.reports, version.audit)
        with self._lock:
            stale = self._frame is None or self._expired() or self._clears != version.drill_clears
            if stale:
                self._reload(engine)
            elif self._seen != seen:
                self._update(engine)
            self._seen, self._clears = seen, version.drill_clears
            mode = self._by_mode.get(version.exercise)
            if mode is None:
                frame = self._frame
                mode = frame.loc[frame["exercise"] == version.exercise].reset_index(drop=True)
                self._by_mode[version.exercise] = mode
            return self.revision, mode

    def _expired(self) -> bool:
        return time.monotonic() - self._loaded_at > CACHE_MAX_AGE.total_seconds()

    def _replace(self, frame: pd.DataFrame) -> None:
        self._frame, self._by_mode = frame, {}
        self.revision += 1

    def _reload(self, engine: Engine) -> None:
        with reading(engine) as session:
            rows = _fetch_all(session, _report_select())
        self._replace(_report_frame(rows))
        self._loaded_at = time.monotonic()

    def _update(self, engine: Engine) -> None:
        frame = self._frame
        last_id = int(frame["id"].max()) if len(frame) else 0
        last_review = frame["reviewed_at"].max() if len(frame) else pd.NaT
        table = DamageReport.__table__
        if pd.isna(last_review):
            reviewed = table.c.reviewed_at.is_not(None)
        else:
            reviewed = table.c.reviewed_at >= last_review.to_pydatetime()
        with reading(engine) as session:
            rows = session.execute(_report_select().where(or_(table.c.id > last_id, reviewed)))
            fetched = _report_frame(rows.all())
        added = fetched.loc[fetched["id"] > last_id]
        known = fetched.loc[fetched["id"] <= last_id].set_index("id")
        before = frame.set_index("id").loc[known.index.intersection(frame["id"])]
        same = (before["review_state"] == known.loc[before.index, "review_state"]) & (
            before["reviewed_at"] == known.loc[before.index, "reviewed_at"]
        )
        changed = known.loc[same.index[~same.to_numpy()]].reset_index()
        if added.empty and changed.empty:
            return
        if not changed.empty:
            frame = frame.loc[~frame["id"].isin(changed["id"])]
            frame = pd.concat([frame, changed]).sort_values("id")
        self._replace(pd.concat([frame, added], ignore_index=True))


# --- per-engine state -----------------------------------------------------------------------


@dataclass
class EngineCache:
    memo: Memo
    reports: ReportStore


_CACHES: weakref.WeakKeyDictionary[Engine, EngineCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_for(engine: Engine) -> EngineCache:
    """The caches of ``engine`` (one set per engine, dropped with it)."""
    with _CACHES_LOCK:
        cache = _CACHES.get(engine)
        if cache is None:
            cache = _CACHES[engine] = EngineCache(Memo(), ReportStore())
        return cache


# --- cached building blocks -----------------------------------------------------------------


@dataclass(frozen=True)
class AreaTree:
    """The jurisdictions: names, parents, levels and boundaries (EPSG:4326)."""

    names: dict[str, tuple[str, str | None]]
    parents: dict[str, str | None]
    levels: dict[str, str]
    frame: gpd.GeoDataFrame

    def children(self) -> dict[str | None, list[str]]:
        found: dict[str | None, list[str]] = {}
        for code, parent in self.parents.items():
            found.setdefault(parent, []).append(code)
        return found

    def subtree(self, root: str) -> frozenset[str]:
        """``root`` and every jurisdiction below it."""
        children = self.children()
        found, stack = set(), [root]
        while stack:
            code = stack.pop()
            if code not in found:
                found.add(code)
                stack.extend(children.get(code, ()))
        return frozenset(found)

    def ancestors(self, code: str) -> list[str]:
        chain, current = [], self.parents.get(code)
        while current and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def leaves(self) -> list[str]:
        """The smallest areas: wards, and municipalities without wards (as ward_situations)."""
        parents = set(self.parents.values())
        return sorted(
            code
            for code, level in self.levels.items()
            if level != Level.PREFECTURE.value and code not in parents
        )

    def name(self, code: str, lang: str) -> str:
        name_ja, name_en = self.names.get(code, (code, None))
        return name_en if lang == "en" and name_en else name_ja


def _load_tree(engine: Engine) -> AreaTree:
    with reading(engine) as session:
        rows = session.execute(
            select(
                Jurisdiction.code,
                Jurisdiction.parent_code,
                Jurisdiction.level,
                Jurisdiction.name_ja,
                Jurisdiction.name_en,
            )
        ).all()
        frame = area_frame(session)
    return AreaTree(
        names={code: (ja, en) for code, _, _, ja, en in rows},
        parents={code: parent for code, parent, _, _, _ in rows},
        levels={code: level for code, _, level, _, _ in rows},
        frame=frame,
    )


def _load_shelters(engine: Engine, exercise: bool) -> pd.DataFrame:
    """Every active shelter with its latest status of the mode."""
    latest = (
        select(ShelterStatus.shelter_id, func.max(ShelterStatus.id).label("status_id"))
        .where(ShelterStatus.exercise == exercise)
        .group_by(ShelterStatus.shelter_id)
        .subquery()
    )
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
    with reading(engine) as session:
        rows = session.execute(stmt).all()
    frame = _columns(rows, SHELTER_COLUMNS)
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


def _load_activity(engine: Engine, exercise: bool) -> Activity:
    with reading(engine) as session:
        drill = session.scalars(
            select(Exercise.name).where(Exercise.ended_at.is_(None)).order_by(Exercise.id.desc())
        ).first()
        return Activity(
            statuses=last_status_by_ward(session, exercise=exercise),
            directives=last_answer_by_ward(session, exercise=exercise),
            declarations=tuple(active_declarations(session, exercise=exercise)),
            drill_name=drill,
        )


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _as_datetime(value: Any) -> datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


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
    """Every leaf area's situation by the rules of ``services.situation``, from the frames.

    ``reports`` are the mode's reports; ``shelters`` carry their latest status of the mode.
    """
    active = reports.loc[~reports["review_state"].isin(INACTIVE_REVIEW_STATES)]
    if since is not None:
        active = active.loc[active["reported_at"] >= pd.Timestamp(since)]
    by_severity = active.groupby(["ward_code", "severity"]).size()
    serious = active.loc[active["severity"] >= SERIOUS_SEVERITY].groupby("ward_code").size()
    casualties = active.groupby("ward_code")[list(CASUALTY_FIELDS)].sum()
    severity_counts: dict[str, dict[int, int]] = {}
    for (code, severity), count in by_severity.items():
        severity_counts.setdefault(code, {})[int(severity)] = int(count)
    last_report = reports.groupby("reporter_ward_code")["reported_at"].max()

    in_use = shelters["state"].isin(IN_USE_STATES)
    per_ward = (
        pd.DataFrame(
            {
                "ward_code": shelters["ward_code"],
                "open": shelters["state"] == ShelterState.OPEN.value,
                "full": shelters["state"] == ShelterState.FULL.value,
                "evacuees": shelters["evacuees"].where(in_use, 0),
                "capacity": shelters["capacity"].where(in_use, 0),
                "capacity_unknown": in_use & shelters["capacity"].isna(),
            }
        )
        .groupby("ward_code")[["open", "full", "evacuees", "capacity", "capacity_unknown"]]
        .sum()
    )

    result: dict[str, WardSituation] = {}
    for code in tree.leaves():
        counts = severity_counts.get(code, {})
        hurt = (
            {c: int(casualties.at[code, c]) for c in CASUALTY_FIELDS}
            if code in casualties.index
            else dict.fromkeys(CASUALTY_FIELDS, 0)
        )
        if code in per_ward.index:
            open_, full, evacuees, capacity, unknown = (int(v) for v in per_ward.loc[code])
        else:
            open_ = full = evacuees = capacity = unknown = 0
        name_ja, name_en = tree.names[code]
        last = _latest(
            _as_datetime(last_report.get(code)),
            activity.statuses.get(code),
            activity.directives.get(code),
        )
        chain = {code, tree.parents.get(code), tree.parents.get(tree.parents.get(code))}
        declaration = next((d for d in activity.declarations if d.scope_code in chain), None)
        situation = WardSituation(
            code=code,
            parent_code=tree.parents.get(code),
            name_ja=name_ja,
            name_en=name_en,
            reports=sum(counts.values()),
            by_severity=counts,
            **hurt,
            open_shelters=open_,
            full_shelters=full,
            evacuees=evacuees,
            capacity=capacity,
            capacity_unknown=unknown,
            last_report_at=last,
        )
        level = situation_level(
            max_severity=max(counts, default=0),
            serious_reports=int(serious.get(code, 0)),
            dead=hurt["dead"],
            injured=hurt["injured"],
            trapped=hurt["trapped"],
            occupancy=situation.occupancy,
            open_shelters=open_ + full,
        )
        silent = is_silent(
            last_activity=last,
            declared_at=declaration.declared_at if declaration else None,
            now=now,
            silent_after=silent_after,
        )
        result[code] = replace(situation, level=level, silent=silent)
    return result


@dataclass(frozen=True)
class Basis:
    """What every view starts from: the version, the jurisdictions, the actor's scope and the
    (cached) frames of the current mode."""

    engine: Engine
    version: DataVersion
    tree: AreaTree
    scope: frozenset[str]

    @property
    def cache(self) -> EngineCache:
        return cache_for(self.engine)

    def reports(self) -> tuple[int, pd.DataFrame]:
        """(revision, the reports of the current mode)."""
        return self.cache.reports.current(self.engine, self.version)

    def shelters(self) -> pd.DataFrame:
        key = ("shelters", self.version.shelters, self.version.modes)
        return self.cache.memo.get(key, lambda: _load_shelters(self.engine, self.version.exercise))

    def activity(self) -> Activity:
        key = ("activity", self.version)
        return self.cache.memo.get(key, lambda: _load_activity(self.engine, self.version.exercise))

    def situations(
        self, *, since: datetime | None, now: datetime, settings: Settings
    ) -> dict[str, WardSituation]:
        """Every leaf's situation (all scopes), per version, window and minute."""
        minute = int(now.timestamp() // 60)
        key = ("situations", self.version, since, minute, settings.silent_after_minutes)

        def compute() -> dict[str, WardSituation]:
            _, reports = self.reports()
            return compute_situations(
                self.tree,
                reports,
                self.shelters(),
                self.activity(),
                since=since,
                now=now,
                silent_after=timedelta(minutes=settings.silent_after_minutes),
            )

        return self.cache.memo.get(key, compute)

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
    memo = cache_for(engine).memo
    tree = memo.get(("tree", version.areas), lambda: _load_tree(engine))
    if actor is SYSTEM:
        scope = frozenset(tree.parents)
    elif actor.jurisdiction_code in tree.parents:
        key = ("scope", version.areas, actor.jurisdiction_code)
        scope = memo.get(key, lambda: tree.subtree(actor.jurisdiction_code))
    else:
        scope = frozenset()
    return Basis(engine, version, tree, scope)


# --- filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapFilters:
    """What the user narrowed the map to. Empty category or severity tuples mean all of them."""

    window: str = DEFAULT_WINDOW
    categories: tuple[str, ...] = ()
    severities: tuple[int, ...] = ()
    review_states: tuple[str, ...] = DEFAULT_REVIEW_STATES
    ward_code: str | None = None
    shelter_search: str = ""

    def since(self, now: datetime) -> datetime | None:
        """Start of the time window, to the minute (so refreshes within a minute agree)."""
        window = TIME_WINDOWS.get(self.window)
        if window is None:
            return None
        return (now - window).replace(second=0, microsecond=0)


def normalize_text(text: str | None) -> str:
    """For matching what a user typed: full-width to half-width, case-folded, trimmed."""
    return unicodedata.normalize("NFKC", text or "").casefold().strip()


def filter_reports(
    reports: pd.DataFrame, filters: MapFilters, *, codes: frozenset[str], now: datetime
) -> pd.DataFrame:
    """Reports in ``codes`` (where they are, or the reporter's ward) that pass the filters."""
    mask = reports["ward_code"].isin(codes) | reports["reporter_ward_code"].isin(codes)
    since = filters.since(now)
    if since is not None:
        mask &= reports["reported_at"] >= pd.Timestamp(since)
    if filters.categories:
        mask &= reports["category"].isin(filters.categories)
    if filters.severities:
        mask &= reports["severity"].isin(filters.severities)
    if filters.review_states:
        mask &= reports["review_state"].isin(filters.review_states)
    if filters.ward_code:
        mask &= reports["ward_code"] == filters.ward_code
    return reports.loc[mask].reset_index(drop=True)


def search_shelters(shelters: pd.DataFrame, text: str | None) -> pd.DataFrame:
    """Shelters whose name or reading contains ``text`` (full/half width and case ignored)."""
    needle = normalize_text(text)
    if not needle:
        return shelters
    names = shelters["name"].fillna("").map(normalize_text)
    kana = shelters["kana"].fillna("").map(normalize_text)
    found = names.str.contains(needle, regex=False) | kana.str.contains(needle, regex=False)
    return shelters.loc[found].reset_index(drop=True)


# --- the views ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigures:
    """The header above the map: what the mayor reads before anything else."""

    shelters_open: int
    shelters_full: int
    evacuees: int
    capacity: int
    reports_by_severity: dict[int, int]
    dead: int
    injured: int
    missing: int
    trapped: int
    areas: int
    areas_reporting: int
    areas_silent: int
    disaster_level: int | None
    declared_at: datetime | None
    drill_name: str | None
    # Open or full shelters without a known capacity: the occupancy is then unknown.
    capacity_unknown: int = 0

    @property
    def disaster(self) -> bool:
        return self.declared_at is not None

    @property
    def reports(self) -> int:
        return sum(self.reports_by_severity.values())

    @property
    def occupancy(self) -> float | None:
        if self.capacity_unknown:
            return None
        return self.evacuees / self.capacity if self.capacity else None


@dataclass(frozen=True)
class FigureCell:
    """One figure of the header as the page shows it: a value (formatted, or a translation key)
    and an optional note (a translation key and its parameters); ``alert`` notes stand out."""

    label_key: str
    value: str = ""
    value_key: str | None = None
    note_key: str | None = None
    note_params: dict[str, Any] = field(default_factory=dict)
    alert: bool = False


def figure_cells(f: KeyFigures, *, now: datetime, silent_after_minutes: int) -> list[FigureCell]:
    """The header, left to right: shelters, evacuees, reports, casualties, areas, disaster mode."""
    severities = {f"s{severity}": count for severity, count in f.reports_by_severity.items()}
    capacity = {"capacity": f"{f.capacity:,}", "percent": round(100 * (f.occupancy or 0))}
    if f.capacity_unknown:  # no percentage: it would read as room that may not exist
        capacity = {"unknown": f.capacity_unknown}
    silent = {"silent": f.areas_silent, "minutes": silent_after_minutes}
    # Values stay short (a sixth of the page wide); the note carries the breakdown.
    cells = [
        FigureCell(
            "situation.figure.shelters",
            f"{f.shelters_open + f.shelters_full:,}",
            note_key="situation.figure.shelters_note",
            note_params={"full": f.shelters_full},
        ),
        FigureCell(
            "situation.figure.evacuees",
            f"{f.evacuees:,}",
            note_key="situation.figure.capacity_unknown_note"
            if f.capacity_unknown
            else "situation.figure.capacity_note",
            note_params=capacity,
        ),
        FigureCell(
            "situation.figure.reports",
            f"{f.reports:,}",
            note_key="situation.figure.severity_note",
            note_params=severities,
        ),
        FigureCell(
            "situation.figure.trapped",
            f"{f.trapped:,}",
            note_key="situation.figure.casualties_note",
            note_params={"dead": f.dead, "injured": f.injured, "missing": f.missing},
            alert=bool(f.trapped or f.dead),
        ),
        FigureCell(
            "situation.figure.areas",
            f"{f.areas_reporting} / {f.areas}",
            note_key="situation.figure.silent_note" if f.areas_silent else None,
            note_params=silent if f.areas_silent else {},
            alert=bool(f.areas_silent),
        ),
    ]
    if f.declared_at is None:
        cells.append(FigureCell("situation.figure.disaster", value_key="situation.disaster.off"))
    else:
        minutes = max(0, int((now - f.declared_at).total_seconds() // 60))
        since = {
            "time": format_time(f.declared_at, date=True),
            "hours": minutes // 60,
            "minutes": minutes % 60,
        }
        cells.append(
            FigureCell(
                "situation.figure.disaster",
                value_key="situation.disaster.on",
                note_key="situation.disaster.since",
                note_params=since,
                alert=True,
            )
        )
    return cells


@dataclass(frozen=True)
class SituationView:
    """One map's worth of data; ``key`` changes exactly when what the map draws does."""

    root: str
    root_name: str
    areas: gpd.GeoDataFrame
    shelters: pd.DataFrame | None
    reports: pd.DataFrame | None
    figures: KeyFigures
    matches: pd.DataFrame | None
    key: tuple


def _area_rows(situations: Iterable[WardSituation], tree: AreaTree, lang: str) -> pd.DataFrame:
    rows = [
        {
            "code": s.code,
            "name": tree.name(s.code, lang),
            "level": s.level,
            "silent": s.silent,
            "open_shelters": s.open_shelters + s.full_shelters,
            "evacuees": s.evacuees,
            "capacity": s.capacity,
            "reports": s.reports,
            "casualties": s.dead + s.injured + s.missing + s.trapped,
            "last_report_at": s.last_report_at,
        }
        for s in situations
    ]
    return pd.DataFrame(rows, columns=list(AREA_COLUMNS))


def _with_geometry(summary: pd.DataFrame, tree: AreaTree) -> gpd.GeoDataFrame:
    """Summary rows joined to their boundaries; areas without one are left out."""
    shapes = tree.frame[["code", "schematic", "geometry"]]
    merged = shapes.merge(summary, on="code", how="inner").sort_values("code")
    frame = gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")
    frame["last_report_at"] = pd.to_datetime(frame["last_report_at"], utc=True)
    return frame[[*AREA_COLUMNS, "schematic", "geometry"]].reset_index(drop=True)


def _fingerprint(frame: pd.DataFrame | None) -> int | None:
    """A cheap hash of a small frame's values (geometry left out)."""
    if frame is None:
        return None
    plain = frame.drop(columns=["geometry"], errors="ignore")
    return int(pd.util.hash_pandas_object(plain, index=False).sum()) if len(plain) else 0


def _figures(
    basis: Basis, situations: list[WardSituation], root: str, shelters: pd.DataFrame
) -> KeyFigures:
    activity = basis.activity()
    related = basis.tree.subtree(root) | set(basis.tree.ancestors(root))
    declarations = [d for d in activity.declarations if d.scope_code in related]
    declared_at = min((d.declared_at for d in declarations), default=None)
    by_severity = dict.fromkeys(sorted(SEVERITIES, reverse=True), 0)
    for situation in situations:
        for severity, count in situation.by_severity.items():
            by_severity[severity] = by_severity.get(severity, 0) + count
    reporting = sum(
        1
        for s in situations
        if not s.silent
        and s.last_report_at is not None
        and (declared_at is None or s.last_report_at >= declared_at)
    )
    states = shelters["state"]
    return KeyFigures(
        shelters_open=int((states == ShelterState.OPEN.value).sum()),
        shelters_full=int((states == ShelterState.FULL.value).sum()),
        evacuees=sum(s.evacuees for s in situations),
        capacity=sum(s.capacity for s in situations),
        capacity_unknown=sum(s.capacity_unknown for s in situations),
        reports_by_severity=by_severity,
        dead=sum(s.dead for s in situations),
        injured=sum(s.injured for s in situations),
        missing=sum(s.missing for s in situations),
        trapped=sum(s.trapped for s in situations),
        areas=len(situations),
        areas_reporting=reporting,
        areas_silent=sum(s.silent for s in situations),
        disaster_level=max((d.level for d in declarations), default=None),
        declared_at=declared_at,
        drill_name=activity.drill_name,
    )


def command_view(
    engine: Engine,
    actor: Actor,
    *,
    root: str | None = None,
    filters: MapFilters | None = None,
    lang: str = "ja",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> SituationView:
    """The mayor's map of ``root`` (default: the actor's own area): the smallest areas below it
    (its wards) by level, its shelters and its damage reports, filtered."""
    filters = filters or MapFilters()
    settings = settings or get_settings()
    now = now or utcnow()
    basis = load_basis(engine, actor)
    root = basis.check_area(root or actor.jurisdiction_code)
    codes = basis.tree.subtree(root)
    since = filters.since(now)
    everywhere = basis.situations(since=since, now=now, settings=settings)
    situations = [s for code, s in everywhere.items() if code in codes]
    summary = _area_rows(situations, basis.tree, lang)

    all_shelters = basis.shelters()
    shelters = all_shelters.loc[all_shelters["ward_code"].isin(codes)]
    figures = _figures(basis, situations, root, shelters)
    if filters.ward_code:
        shelters = shelters.loc[shelters["ward_code"] == filters.ward_code]
    shelters = shelters.reset_index(drop=True)
    matches = None
    if normalize_text(filters.shelter_search):
        shelters = matches = search_shelters(shelters, filters.shelter_search)
    revision, mode_reports = basis.reports()
    reports = filter_reports(mode_reports, filters, codes=codes, now=now)
    key = (
        "command",
        root,
        filters,
        since,
        lang,
        revision,
        _fingerprint(summary),
        _fingerprint(shelters),
        basis.version.areas,
    )
    return SituationView(
        root=root,
        root_name=basis.tree.name(root, lang),
        areas=_with_geometry(summary, basis.tree),
        shelters=shelters,
        reports=reports,
        figures=figures,
        matches=matches,
        key=key,
    )


def aggregate_situations(
    situations: Iterable[WardSituation], tree: AreaTree, municipalities: Iterable[str]
) -> list[WardSituation]:
    """Each municipality's situation from its smallest areas: the highest level, silent if any
    of them is, counts summed, the latest report."""
    wanted = sorted(set(municipalities))
    groups: dict[str, list[WardSituation]] = {code: [] for code in wanted}
    for situation in situations:
        for candidate in (situation.code, *tree.ancestors(situation.code)):
            if candidate in groups:
                groups[candidate].append(situation)
                break
    result = []
    for code in wanted:
        members = groups[code]
        by_severity: dict[int, int] = {}
        for s in members:
            for severity, count in s.by_severity.items():
                by_severity[severity] = by_severity.get(severity, 0) + count
        name_ja, name_en = tree.names.get(code, (code, None))
        totals = {
            name: sum(getattr(s, name) for s in members)
            for name in (
                "reports",
                *CASUALTY_FIELDS,
                "open_shelters",
                "full_shelters",
                "evacuees",
                "capacity",
            )
        }
        result.append(
            WardSituation(
                code=code,
                parent_code=tree.parents.get(code),
                name_ja=name_ja,
                name_en=name_en,
                level=max((s.level for s in members), default=0),
                silent=any(s.silent for s in members),
                by_severity=by_severity,
                last_report_at=_latest(*(s.last_report_at for s in members)),
                **totals,
            )
        )
    return result


def overview_view(
    engine: Engine,
    actor: Actor,
    *,
    filters: MapFilters | None = None,
    lang: str = "ja",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> SituationView:
    """The governor's map: each municipality of the actor's area coloured by the highest level
    of its wards (a designated city by its wards, a town or village by itself)."""
    filters = filters or MapFilters()
    settings = settings or get_settings()
    now = now or utcnow()
    basis = load_basis(engine, actor)
    root = basis.check_area(actor.jurisdiction_code)
    codes = basis.tree.subtree(root)
    municipalities = [
        code for code in codes if basis.tree.levels.get(code) == Level.MUNICIPALITY.value
    ]
    since = filters.since(now)
    everywhere = basis.situations(since=since, now=now, settings=settings)
    leaves = [s for code, s in everywhere.items() if code in codes]
    summary = _area_rows(aggregate_situations(leaves, basis.tree, municipalities), basis.tree, lang)
    shelters = basis.shelters()
    shelters = shelters.loc[shelters["ward_code"].isin(codes)]
    key = ("overview", root, since, lang, _fingerprint(summary), basis.version.areas)
    return SituationView(
        root=root,
        root_name=basis.tree.name(root, lang),
        areas=_with_geometry(summary, basis.tree),
        shelters=None,
        reports=None,
        figures=_figures(basis, leaves, root, shelters),
        matches=None,
        key=key,
    )


def has_overview(engine: Engine, actor: Actor) -> bool:
    """Whether the actor's area is a prefecture, whose map is the municipal overview."""
    basis = load_basis(engine, actor)
    return basis.tree.levels.get(actor.jurisdiction_code) == Level.PREFECTURE.value


def ward_choices(
    engine: Engine, actor: Actor, *, root: str | None = None, lang: str = "ja"
) -> list[tuple[str, str]]:
    """(code, name) of the smallest areas under ``root`` (default: the actor's area)."""
    basis = load_basis(engine, actor)
    root = basis.check_area(root or actor.jurisdiction_code)
    codes = basis.tree.subtree(root)
    return [(c, basis.tree.name(c, lang)) for c in basis.tree.leaves() if c in codes]


def municipality_choices(
    engine: Engine, actor: Actor, *, lang: str = "ja"
) -> list[tuple[str, str]]:
    """(code, name) of the municipalities in the actor's scope, for opening one's map."""
    basis = load_basis(engine, actor)
    return [
        (code, basis.tree.name(code, lang))
        for code in sorted(basis.scope)
        if basis.tree.levels.get(code) == Level.MUNICIPALITY.value
    ]


# --- ward detail ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingDirective:
    """A directive the ward has not acknowledged yet."""

    title: str
    priority: str
    issued_at: datetime
    deadline: datetime | None
    read: bool


@dataclass(frozen=True)
class WardDetail:
    """The side panel of a clicked ward."""

    code: str
    name: str
    situation: WardSituation
    shelters: pd.DataFrame
    reports_by_category: dict[str, int]
    pending_directives: list[PendingDirective]

    @property
    def casualties(self) -> dict[str, int]:
        return {name: getattr(self.situation, name) for name in CASUALTY_FIELDS}


def _pending_directives(engine: Engine, code: str, exercise: bool) -> list[PendingDirective]:
    stmt = (
        select(
            Directive.title,
            Directive.priority,
            Directive.issued_at,
            Directive.deadline,
            DirectiveDelivery.read_at,
        )
        .join(Directive, Directive.id == DirectiveDelivery.directive_id)
        .where(
            DirectiveDelivery.jurisdiction_code == code,
            DirectiveDelivery.acknowledged_at.is_(None),
            Directive.exercise == exercise,
        )
        .order_by(Directive.issued_at.desc(), Directive.id.desc())
    )
    with reading(engine) as session:
        return [
            PendingDirective(title, priority, issued_at, deadline, read_at is not None)
            for title, priority, issued_at, deadline, read_at in session.execute(stmt)
        ]


def ward_detail(
    engine: Engine,
    actor: Actor,
    code: str,
    *,
    filters: MapFilters | None = None,
    lang: str = "ja",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> WardDetail:
    """One ward (or ward-less municipality): its shelters, its active reports in the time
    window by category, casualties, last report and the directives it has not acknowledged."""
    filters = filters or MapFilters()
    settings = settings or get_settings()
    now = now or utcnow()
    basis = load_basis(engine, actor)
    code = basis.check_area(code)
    since = filters.since(now)
    situation = basis.situations(since=since, now=now, settings=settings).get(code)
    if situation is None:  # a city or prefecture: the panel is for the smallest areas
        raise NotFound()
    shelters = basis.shelters()
    shelters = shelters.loc[shelters["ward_code"] == code].copy()
    shelters["order"] = shelters["state"].map(
        lambda s: SHELTER_STATE_ORDER.get(s, UNREPORTED_ORDER)
    )
    shelters = shelters.sort_values(["order", "name"]).drop(columns="order")
    _, reports = basis.reports()
    active = MapFilters(window=filters.window, review_states=DEFAULT_REVIEW_STATES)
    reports = filter_reports(reports, active, codes=frozenset({code}), now=now)
    counts = reports.loc[reports["ward_code"] == code, "category"].value_counts()
    by_category = {key: int(counts[key]) for key in DAMAGE_CATEGORIES if key in counts.index}
    key = ("pending", basis.version.directives, basis.version.modes, code)
    pending = basis.cache.memo.get(
        key, lambda: _pending_directives(engine, code, basis.version.exercise)
    )
    return WardDetail(
        code=code,
        name=basis.tree.name(code, lang),
        situation=situation,
        shelters=shelters.reset_index(drop=True),
        reports_by_category=by_category,
        pending_directives=pending,
    )
