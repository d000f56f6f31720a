"""Change detection: one cheap "has anything changed?" answer per app process, and reads shared
by every session of the process while the answer stays the same.

Every write to the database records an audit entry (``dashboard.services.audit``), so the newest
audit entry (with the newest directive delivery, belt and braces) is the data version. An idle
page asks ``VersionClock.current()``, which reads it at most once per interval for all sessions
of the process; a read keyed by the version is done once (``SharedReads``) and reused by every
session that asks for the same thing until the version moves on. A janitor thread sweeps the
process's caches when no session asks them anything any more (``register_sweep``).
"""

from dashboard.services.changes.janitor import register as register_sweep
from dashboard.services.changes.janitor import sweep_now
from dashboard.services.changes.versions import (
    DataVersion,
    SharedReads,
    VersionClock,
    data_version,
)
from dashboard.services.gate import gate

__all__ = [
    "DataVersion",
    "SharedReads",
    "VersionClock",
    "data_version",
    "register_sweep",
    "sweep_now",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
