"""The data version, read once per interval per process, and reads shared across sessions."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import NamedTuple, TypeVar

from sqlalchemy import Engine, func, select

from dashboard.services.changes.notify import ChangeListener
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, DirectiveDelivery, DisasterDeclaration, Exercise

T = TypeVar("T")
# Seconds between two sweeps of old shared results by the sessions' own reads.
SWEEP_EVERY_S = 10.0
# The longest a bounded read holds on to a result while the data changed (``get_bounded``).
MAX_HOLD_S = 15.0


class DataVersion(NamedTuple):
    """Changes whenever anything is written (compare with ``==``; the order means nothing).
    ``banners`` changes only with what the banners show (directives and their deliveries'
    states, disaster mode and drills): in a large disaster reports arrive every second, and
    the banners' reads need not follow them."""

    audit_id: int | None
    audit_at: datetime | None
    delivery_id: int | None
    banners: tuple = ()


# What the banners show depends on (small tables: aggregates over them are cheap).
_BANNER_PARTS = (
    func.max(DirectiveDelivery.id),
    func.max(DirectiveDelivery.read_at),
    func.max(DirectiveDelivery.acknowledged_at),
    func.max(DirectiveDelivery.answered_at),
    func.max(DirectiveDelivery.escalated_at),
    func.count(DisasterDeclaration.id),
    func.max(DisasterDeclaration.id),
    func.max(DisasterDeclaration.ended_at),
    func.max(Exercise.id),
    func.max(Exercise.ended_at),
    func.max(Exercise.cleared_at),
)


def data_version(engine: Engine) -> DataVersion:
    """One small query on indexed columns and small tables: the newest audit entry and
    directive delivery, and the parts the banners depend on."""
    with reading(engine) as session:
        row = session.execute(
            select(
                select(func.max(AuditEntry.id)).scalar_subquery(),
                select(func.max(AuditEntry.at)).scalar_subquery(),
                *(select(part).scalar_subquery() for part in _BANNER_PARTS),
            )
        ).one()
    return DataVersion(row[0], row[1], row[2], tuple(row[2:]))


class VersionClock:
    """``data_version`` for every session of a process, read at most once per ``max_age`` seconds.

    Thread-safe (Streamlit runs each session's script in its own thread): callers arriving while
    one of them reads wait for that read instead of starting their own.

    With ``listen`` on PostgreSQL, a notification of a write (``notify.ChangeListener``) makes
    the next ``current()`` read at once: a new directive is seen without waiting out ``max_age``.
    """

    def __init__(
        self,
        engine: Engine,
        max_age: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        listen: bool = False,
    ) -> None:
        self.engine, self._max_age, self._clock = engine, max_age, clock
        self._lock = threading.Lock()
        self._value: DataVersion | None = None
        self._read_at = 0.0
        self._generation = 0  # moves with every notification
        self.reads = 0  # how often the database was asked (for tests and benchmarks)
        self.listener = ChangeListener.start(engine, self.invalidate) if listen else None

    def invalidate(self) -> None:
        """The data changed: the next ``current()`` reads the version again."""
        self._generation += 1
        self._read_at = -math.inf

    def close(self) -> None:
        if self.listener is not None:
            self.listener.stop()

    def current(self) -> DataVersion:
        value = self._value
        if value is not None and self._clock() - self._read_at < self._max_age:
            return value
        with self._lock:
            if self._value is None or self._clock() - self._read_at >= self._max_age:
                generation = self._generation
                self._value = data_version(self.engine)
                # A notification during the read may name a write the read did not see yet.
                self._read_at = self._clock() if generation == self._generation else -math.inf
                self.reads += 1
            return self._value


class SharedReads:
    """Results shared by all sessions of a process, one per key; a key names what was read and
    for whom, and includes the data version, so a write makes the next ask read afresh.

    At most ``max_entries`` results are kept (least recently used go first), none longer than
    ``max_age`` seconds (keys name the minute, so an older result is never asked for again; see
    ``sweep``). Sessions asking for the same key at once wait for one computation. Results are
    shared objects: never mutate them.
    """

    def __init__(
        self,
        max_entries: int = 256,
        max_age: float = 90.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_entries, self._max_age, self._clock = max_entries, max_age, clock
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._born: dict[Hashable, float] = {}
        # family -> (when computed, seconds it took, result): see ``get_bounded``.
        self._recent: OrderedDict[Hashable, tuple[float, float, object]] = OrderedDict()
        self._computing: set[Hashable] = set()
        self._swept = clock()
        self._pending: dict[Hashable, threading.Lock] = {}
        self.computed = 0  # how often a result was computed (for tests and benchmarks)

    def __len__(self) -> int:
        return len(self._values)

    def sweep(self) -> int:
        """Drop the results older than ``max_age``; how many were dropped. ``get`` sweeps every
        few seconds; a process whose sessions all closed is swept by the janitor."""
        with self._lock:
            now = self._clock()
            self._swept = now
            old = [key for key, born in self._born.items() if now - born > self._max_age]
            for key in old:
                self._values.pop(key, None)
                self._born.pop(key, None)
            gone = [f for f, held in self._recent.items() if now - held[0] > self._max_age]
            for family in gone:
                del self._recent[family]
            return len(old) + len(gone)

    def get_bounded(
        self, key: Hashable, family: Hashable, compute: Callable[[], T], *, share: float
    ) -> T:
        """``get(key, compute)``, except that while the last result of ``family`` (the same read
        for the same scope, of any version) is younger than ``1 / share`` times what computing it
        took, that result is returned: a read costing 1 s with ``share`` 0.2 is done at most
        every 5 s however often the data changes, a cheap one as often as it changes. While one
        session computes the family's new result, the others keep the last one instead of
        waiting (a rebuild on a busy process can take many seconds of wall time)."""
        now = self._clock()
        with self._lock:
            held = self._recent.get(family)
            busy = family in self._computing
            if held is not None and (busy or now - held[0] < min(held[1] / share, MAX_HOLD_S)):
                return held[2]  # type: ignore[return-value]
            self._computing.add(family)
        try:
            started = self._clock()
            value = self.get(key, compute)
        finally:
            with self._lock:
                self._computing.discard(family)
        with self._lock:
            if held is None or held[2] is not value:
                self._recent[family] = (self._clock(), self._clock() - started, value)
            self._recent.move_to_end(family)
            while len(self._recent) > self._max_entries:
                self._recent.popitem(last=False)
        return value

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self._clock() - self._swept > SWEEP_EVERY_S:
            self.sweep()
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]  # type: ignore[return-value]
            try:
                value = compute()
                self.computed += 1
                with self._lock:
                    self._values[key] = value
                    self._born[key] = self._clock()
                    while len(self._values) > self._max_entries:
                        dropped, _ = self._values.popitem(last=False)
                        self._born.pop(dropped, None)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
        return value
