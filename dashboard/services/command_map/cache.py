"""The map's per-process caches: computed values under the data version, and every damage
report as one frame kept up to date.

Nothing is shared between processes but the database. Cached values also expire after
``CACHE_MAX_AGE``, which bounds how long a write made behind the services' back can go unseen.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterable
from datetime import timedelta
from typing import TypeVar

import pandas as pd
from cachetools import TTLCache, cached
from sqlalchemy import Engine, Integer, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from dashboard.domain import CASUALTY_FIELDS, MAP_REPORT_COLUMNS
from dashboard.services.changes import janitor
from dashboard.services.command_map.version import DataVersion
from dashboard.storage.db import reading
from dashboard.storage.models import DamageReport

# Cached values per engine, and how long any of them is trusted at most.
CACHE_ENTRIES = 64
CACHE_MAX_AGE = timedelta(minutes=5)
# The report frame is let go when no one read it this long (it is read again when asked).
IDLE_RELEASE = timedelta(seconds=60)
# Characters of a description read for the map; its popups show at most 80 (the list shows all).
DESCRIPTION_FETCH_CHARS = 81
# Columns of the report frame: the map's columns and what keeps the frame up to date.
REPORT_COLUMNS = (*MAP_REPORT_COLUMNS, "reporter_ward_code", "reviewed_at", "exercise")

T = TypeVar("T")


class EngineCache:
    """The caches of one engine: a TTL cache of computed values and the report store.

    ``remember`` computes a missing value once: sessions refreshing at the same moment wait for
    the one computing it (cachetools' ``condition``) instead of all computing it.
    """

    def __init__(self) -> None:
        self.values: TTLCache = TTLCache(CACHE_ENTRIES, CACHE_MAX_AGE.total_seconds())
        self.reports = ReportStore()
        self._lock = lock = threading.Lock()
        self._remember = cached(
            self.values,
            key=lambda key, compute: key,
            lock=lock,
            condition=threading.Condition(lock),
        )(lambda key, compute: compute())

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value cached under ``key``, computed by ``compute`` when missing or expired."""
        return self._remember(key, compute)

    def sweep(self) -> int:
        """Drop expired values, and the report frame when no one read it for ``IDLE_RELEASE``
        (the janitor's call: a process whose map sessions closed gives the memory back)."""
        with self._lock:
            dropped = len(self.values.expire())
        return dropped + self.reports.release_if_idle(IDLE_RELEASE.total_seconds())


_CACHES: weakref.WeakKeyDictionary[Engine, EngineCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_for(engine: Engine) -> EngineCache:
    """The caches of ``engine`` (one set per engine, dropped with it), swept by the janitor."""
    with _CACHES_LOCK:
        cache = _CACHES.get(engine)
        if cache is None:
            cache = _CACHES[engine] = EngineCache()
            janitor.register(cache)
        return cache


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


def frame_from_rows(rows: list, names: Iterable[str]) -> pd.DataFrame:
    """A frame from result rows: driver tuples as they are, SQLAlchemy Rows made tuples first.
    ``from_records`` converts tuples column by column in C (0.2 s for 100,000 reports, against
    0.47 s for one list per column)."""
    if rows and not isinstance(rows[0], tuple):
        rows = [tuple(row) for row in rows]
    return pd.DataFrame.from_records(rows, columns=list(names))


def _report_frame(rows: list) -> pd.DataFrame:
    frame = frame_from_rows(rows, REPORT_COLUMNS)
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
        self._used_at = 0.0

    def release_if_idle(self, idle_seconds: float) -> int:
        """Let the frame go when it was not read for ``idle_seconds``; 1 if it was let go."""
        with self._lock:
            if self._frame is None or time.monotonic() - self._used_at < idle_seconds:
                return 0
            self._frame, self._by_mode, self._seen = None, {}, None
            return 1

    def current(self, engine: Engine, version: DataVersion) -> tuple[int, pd.DataFrame]:
        """(revision, the reports of the version's mode); the revision changes with the data."""
        seen = (version.reports, version.audit)
        with self._lock:
            self._used_at = time.monotonic()
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
