"""Streamlit's disconnected sessions let go when their time is up, not at the next connection.

Streamlit keeps a closed tab's session ``server.disconnectedSessionTTL`` seconds for a reconnect
(.streamlit/config.toml), in a TTL cache that drops expired entries only when it is next
touched: after the last tab of a busy hour closed, up to 128 sessions with their state would stay
in memory until someone connects again. The janitor (``services.changes``) sweeps this object
with the process's own caches. Streamlit's session storage is not public API: where it is not
found, the sweep does nothing (sessions then go at the next connection, as before).
"""

from __future__ import annotations


class DisconnectedSessions:
    """Sweeps Streamlit's store of disconnected sessions (see the module docstring)."""

    def sweep(self) -> int:
        try:
            from streamlit import runtime

            manager = runtime.get_instance()._session_mgr
            lock, cache = manager._storage_lock, manager._session_storage._cache
            expire = cache.expire
        except Exception:  # no runtime (tests, CLI) or another Streamlit version
            return 0
        with lock:
            return len(expire())


DISCONNECTED_SESSIONS = DisconnectedSessions()
