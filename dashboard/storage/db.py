"""Engine and unit-of-work helpers for SQLite and PostgreSQL.

SQLite is configured for several writers at once: WAL (readers never block the writer), foreign
keys, a busy timeout, and write transactions that take the write lock up front
(``BEGIN IMMEDIATE``).
With SQLite's default deferred transactions two writers that both read first deadlock and one fails
with "database is locked" at once, whatever the timeout. Read-only units of work use a plain
deferred ``BEGIN`` so that map refreshes never queue behind ward reports.

Every unit of work goes through ``transaction`` or ``reading``; both turn a driver error that means
"the database is down, unreachable or too busy" into ``StorageUnavailable`` (the write was rolled
back), so no service needs its own guard. ``store_once`` is the one way to store a record once per
submission id (a double tap or a retry of the same form).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from dashboard.errors import StorageUnavailable, ValidationFailed
from dashboard.storage.guards import guard_parameters

T = TypeVar("T")

# How long an SQLite connection waits for the write lock before giving up (seconds).
SQLITE_BUSY_TIMEOUT_S = 30
# How long a new PostgreSQL connection may take before the database counts as unreachable
# (seconds): a server gone without a word (powered off, network cut) would otherwise hold every
# page for the operating system's connect timeout, about two minutes on Linux. A
# ``connect_timeout`` in the URL wins.
PG_CONNECT_TIMEOUT_S = 5
# Execution option that marks a unit of work as read-only (plain deferred BEGIN on SQLite).
READ_ONLY_OPTION = "dashboard_read_only"
# Errors that mean "the database is down, unreachable or too busy right now", not "bad data".
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)


def make_engine(url: str, **kwargs) -> Engine:
    """Create the process's engine for ``url``; SQLite gets the pragmas described above."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine)
        guard_parameters(engine)
        return engine
    if url.startswith("postgresql") and "connect_timeout" not in make_url(url).query:
        connect_args = {"connect_timeout": PG_CONNECT_TIMEOUT_S, **kwargs.pop("connect_args", {})}
        kwargs["connect_args"] = connect_args
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    guard_parameters(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling is deferred-only).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@contextmanager
def storage_guard() -> Iterator[None]:
    """Turn a database outage inside the block into ``StorageUnavailable``, and data the
    database refused (a ``DataError`` ``storage.guards`` did not catch first) into
    ``ValidationFailed``."""
    try:
        yield
    except UNAVAILABLE_ERRORS as exc:
        raise StorageUnavailable(type(getattr(exc, "orig", None) or exc).__name__) from exc
    except DataError as exc:
        raise ValidationFailed({"value": ("input.invalid_value", {})}) from exc


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One write unit of work: commits at the end, rolls back everything on any exception."""
    with storage_guard(), Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """One read-only unit of work (a consistent snapshot on PostgreSQL and SQLite WAL)."""
    read_engine = engine.execution_options(**{READ_ONLY_OPTION: True})
    with storage_guard(), Session(read_engine, expire_on_commit=False) as session, session.begin():
        yield session


def store_once(
    engine: Engine,
    find: Callable[[Session], T | None],
    write: Callable[[Session], T],
) -> T:
    """Store a record once per submission id: ``find`` looks for what an earlier try of the same
    submission stored, ``write`` stores it (one transaction); returns whichever it got.

    Two tries that race past ``find`` both write; the unique submission id makes the loser fail
    with an ``IntegrityError``, which is answered with the winner's record.
    """
    try:
        with transaction(engine) as session:
            found = find(session)
            return found if found is not None else write(session)
    except IntegrityError:
        with reading(engine) as session:
            found = find(session)
        if found is None:
            raise
        return found
