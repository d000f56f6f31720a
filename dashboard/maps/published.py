"""Situation map data built once per change and served to every watcher over HTTP.

A map's data (its areas, shelters and damage reports, see :func:`encode_situation`) depends on
the scope, the filters, the language and the data version, not on who watches it. The page
publishes it here under a key naming exactly those inputs: the first session to ask encodes and
gzips it, every other session of the process with the same key gets the same token at once. The
browser fetches ``GET /mapdata/<token>`` (``dashboard.web_mapdata``) only when its token
changes, so an idle map costs the page no encoding and no payload on its websocket.

Every entry names the scope it was built for, (jurisdiction, role); the route serves it only to a
login of that scope. Entries are content addresses: the same token always means the same bytes,
so browsers may keep them. The store is bounded by entries and by bytes (least recently used go
first): a token evicted before its browser fetched it is answered 404, and the page's next
refresh publishes it again.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

# Where the browser fetches a map's data (the token follows).
MAPDATA_ROUTE = "/mapdata"
# Entries and compressed bytes kept at most per process. A city map of 100,000 reports is about
# 1.5 MB gzipped; the bounds keep the store well under the process's memory budget.
MAX_ENTRIES = 64
MAX_BYTES = 48 * 1024 * 1024
# gzip level: 6 is zlib's default, about 3x faster than 9 for nearly the same size.
GZIP_LEVEL = 6
# Clock minutes remembered per data key (see ``clock_for``).
MAX_CLOCKS = 256
# An entry no session published or fetched for this long is let go by ``sweep`` (a page still
# showing it publishes it again on its next minute).
IDLE_SECONDS = 90.0


@dataclass(frozen=True)
class Published:
    """One map's data: its token, who may read it, the gzipped JSON, and the bounds to fit."""

    token: str
    scope: Hashable
    gzipped: bytes
    fit: list | None

    @property
    def url(self) -> str:
        return f"{MAPDATA_ROUTE}/{self.token}"


def token_for(key: Hashable) -> str:
    """A stable, unguessable-enough name for ``key`` (its repr, hashed)."""
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]


class PublishedMaps:
    """The process's published map data; thread-safe, one build per key at a time."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Published] = OrderedDict()
        self._bytes = 0
        self._pending: dict[str, threading.Lock] = {}
        self._clocks: OrderedDict[Hashable, object] = OrderedDict()
        self._used: dict[str, float] = {}
        self.built = 0  # how often data was encoded (for tests and benchmarks)

    def publish(
        self, key: Hashable, scope: Hashable, build: Callable[[], tuple[str, list | None]]
    ) -> Published:
        """The entry of ``key`` for ``scope``, built by ``build`` (payload JSON, fit) if missing.
        Sessions asking at once wait for the one building it."""
        token = token_for((scope, key))
        found = self.get(token)
        if found is not None:
            return found
        with self._lock:
            key_lock = self._pending.setdefault(token, threading.Lock())
        try:
            with key_lock:
                found = self.get(token)
                if found is not None:
                    return found
                payload, fit = build()
                data = gzip.compress(payload.encode("utf-8"), GZIP_LEVEL, mtime=0)
                entry = Published(token, scope, data, fit)
                self._store(entry)
                return entry
        finally:
            with self._lock:
                self._pending.pop(token, None)

    def get(self, token: str) -> Published | None:
        with self._lock:
            entry = self._entries.get(token)
            if entry is not None:
                self._entries.move_to_end(token)
                self._used[token] = time.monotonic()
            return entry

    def sweep(self, idle_seconds: float = IDLE_SECONDS) -> int:
        """Let go of the entries nobody asked for in ``idle_seconds``; how many (the janitor)."""
        with self._lock:
            now = time.monotonic()
            idle = [t for t, used in self._used.items() if now - used > idle_seconds]
            for token in idle:
                self._drop(token)
            if not self._entries:
                self._clocks.clear()
            return len(idle)

    def _drop(self, token: str) -> None:
        entry = self._entries.pop(token, None)
        self._used.pop(token, None)
        if entry is not None:
            self._bytes -= len(entry.gzipped)

    def clock_for(self, key: Hashable, now: object) -> object:
        """The moment ages are counted from for data ``key``: the first ``now`` any session of
        the process drew it with, so every session draws the same bytes (and a map of
        unchanged data is not redrawn each minute only because its ages moved on)."""
        with self._lock:
            if key not in self._clocks:
                self._clocks[key] = now
                while len(self._clocks) > MAX_CLOCKS:
                    self._clocks.popitem(last=False)
            self._clocks.move_to_end(key)
            return self._clocks[key]

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._clocks.clear()
            self._used.clear()
            self._bytes = 0

    def _store(self, entry: Published) -> None:
        with self._lock:
            self.built += 1
            self._drop(entry.token)
            self._entries[entry.token] = entry
            self._used[entry.token] = time.monotonic()
            self._bytes += len(entry.gzipped)
            while len(self._entries) > 1 and (
                len(self._entries) > self._max_entries or self._bytes > self._max_bytes
            ):
                self._drop(next(iter(self._entries)))


# The process's store: the pages publish into it, the HTTP route reads from it.
PUBLISHED = PublishedMaps()
