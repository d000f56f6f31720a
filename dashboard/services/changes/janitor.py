"""Memory given back when sessions go: a daemon thread per process that sweeps the process's
caches every ``JANITOR_EVERY_S`` seconds and hands freed memory back to the system.

The caches bound themselves while sessions use them; after the last session closed nobody asks
them anything, so without this thread what they held (shared reads, published map data, the
report frame) would stay until the process ends. A sweep that freed something collects garbage
and asks glibc to return its free heap (``malloc_trim``): Python frees many small objects
(report descriptions, rows) whose pages glibc otherwise keeps for later.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Protocol

# Seconds between two sweeps.
JANITOR_EVERY_S = 30.0

log = logging.getLogger(__name__)


class Sweepable(Protocol):
    def sweep(self) -> int:
        """Drop what is no longer needed; how many things were dropped."""


# Held weakly: a cache dropped with its engine (tests) is not kept alive by the janitor.
_sweepers: weakref.WeakSet[Sweepable] = weakref.WeakSet()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def _libc_trim() -> Callable[[], None]:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = libc.malloc_trim if libc is not None else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        trim = None
    return (lambda: trim(0)) if trim is not None else (lambda: None)


_trim = _libc_trim()


def register(cache: Sweepable) -> None:
    """Sweep ``cache`` on every sweep of this process (once, however often registered); starts
    the thread with the first one."""
    global _thread
    with _lock:
        _sweepers.add(cache)
        if _thread is None:
            _thread = threading.Thread(target=_run, name="cache-janitor", daemon=True)
            _thread.start()


def sweep_now() -> int:
    """One sweep: every sweeper, then garbage collection and trimming if anything was dropped."""
    with _lock:
        sweepers = list(_sweepers)
    dropped = 0
    for cache in sweepers:
        try:
            dropped += cache.sweep()
        except Exception:  # a sweeper's failure must not stop the others, nor the thread
            log.exception("cache sweep failed")
    if dropped:
        gc.collect()
        _trim()
    return dropped


def _run() -> None:
    stop = threading.Event()
    while not stop.wait(JANITOR_EVERY_S):
        sweep_now()
