"""The data version, read once per interval per process, and reads shared across sessions."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import NamedTuple, TypeVar

from sqlalchemy import Engine, func, select

from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, DirectiveDelivery

T = TypeVar("T")


class DataVersion(NamedTuple):
    """Changes whenever anything is written (compare with ``==``; the order means nothing)."""

    audit_id: int | None
    audit_at: datetime | None
    delivery_id: int | None


def data_version(engine: Engine) -> DataVersion:
    """One small query on indexed columns: the newest audit entry and directive delivery."""
    with reading(engine) as session:
        row = session.execute(
            select(
                select(func.max(AuditEntry.id)).scalar_subquery(),
                select(func.max(AuditEntry.at)).scalar_subquery(),
                select(func.max(DirectiveDelivery.id)).scalar_subquery(),
            )
        ).one()
    return DataVersion(*row)


class VersionClock:
    """``data_version`` for every session of a process, read at most once per ``max_age`` seconds.

    Thread-safe (Streamlit runs each session's script in its own thread): callers arriving while
    one of them reads wait for that read instead of starting their own.
    """

    def __init__(
        self,
        engine: Engine,
        max_age: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine, self._max_age, self._clock = engine, max_age, clock
        self._lock = threading.Lock()
        self._value: DataVersion | None = None
        self._read_at = 0.0
        self.reads = 0  # how often the database was asked (for tests and benchmarks)

    def expire(self) -> None:
        """Read the version again at the next ``current()`` (after a write of this process)."""
        with self._lock:
            self._read_at = float("-inf")

    def current(self) -> DataVersion:
        value = self._value
        if value is not None and self._clock() - self._read_at < self._max_age:
            return value
        with self._lock:
            if self._value is None or self._clock() - self._read_at >= self._max_age:
                self._value = data_version(self.engine)
                self._read_at = self._clock()
                self.reads += 1
            return self._value


class SharedReads:
    """Results shared by all sessions of a process, one per key; a key names what was read and
    for whom, and includes the data version, so a write makes the next ask read afresh.

    At most ``max_entries`` results are kept (least recently used go first). Sessions asking for
    the same key at once wait for one computation. Results are shared objects: never mutate them.
    """

    def __init__(self, max_entries: int = 512) -> None:
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._pending: dict[Hashable, threading.Lock] = {}
        self.computed = 0  # how often a result was computed (for tests and benchmarks)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
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
                    while len(self._values) > self._max_entries:
                        self._values.popitem(last=False)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
        return value
