"""PostgreSQL's ``LISTEN dashboard_changes`` as the wake-up of a process's version clock.

The migration 0009 makes every write to the audit log and the directive deliveries NOTIFY this
channel. A daemon thread per engine listens on a connection of its own and marks the process's
data version stale on each notification, so the next banner poll reads the new version at once
instead of up to ``CHANGE_CHECK_SECONDS`` later. Polling stays: it is the fallback while the
listener reconnects, and all there is on SQLite (no NOTIFY).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

# The channel of migration 0009.
CHANNEL = "dashboard_changes"
# Seconds between two checks of the stop flag while no notification comes, and before a retry
# after the database went away.
WAIT_S = 5.0
RETRY_S = 10.0

log = logging.getLogger(__name__)


class ChangeListener:
    """Calls ``on_change()`` for every batch of notifications on ``CHANNEL`` (PostgreSQL only)."""

    def __init__(self, engine: Engine, on_change: Callable[[], None]) -> None:
        self.engine, self._on_change = engine, on_change
        self._stop = threading.Event()
        self.notifications = 0  # how many arrived (for tests and benchmarks)
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="change-listener", daemon=True)

    @classmethod
    def start(cls, engine: Engine, on_change: Callable[[], None]) -> ChangeListener | None:
        """A running listener, or None where the database cannot notify (SQLite)."""
        if engine.dialect.name != "postgresql":
            return None
        listener = cls(engine, on_change)
        listener._thread.start()
        return listener

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception:  # the database away: poll meanwhile, listen again later
                log.warning("change listener lost its connection; polling meanwhile")
            self.listening.clear()
            self._stop.wait(RETRY_S)

    def _listen(self) -> None:
        import psycopg  # the PostgreSQL driver, present whenever the dialect is

        url = self.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            while not self._stop.is_set():
                seen = 0
                for _ in connection.notifies(timeout=WAIT_S, stop_after=1):
                    seen += 1
                if seen:
                    self.notifications += seen
                    self._on_change()
