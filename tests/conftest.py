"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL: a throwaway database per test run on the server at ``DASHBOARD_TEST_PG_URL``
(default: the local server, trust auth). Each test starts from empty tables. When the server is not
reachable the PostgreSQL half is skipped with the reason, except under CI, where it fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from dashboard.storage.db import make_engine
from dashboard.storage.migrate import upgrade_head
from dashboard.storage.models import Base

PG_ADMIN_URL = os.environ.get(
    "DASHBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REPO_ROOT = Path(__file__).resolve().parent.parent
# Real boundary data for tests only; never copied into the repository.
SHARED_DATA = REPO_ROOT.parent / "shared" / "data" / "osaka"
BACKENDS = ("sqlite", "postgresql")


def _pg_unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable ({reason})")


@pytest.fixture(scope="session")
def pg_database_url():
    """A fresh PostgreSQL database for this test run, migrated to head, dropped at the end."""
    name = f"dashboard_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means "no server to test against"
        admin.dispose()
        _pg_unavailable(str(exc).splitlines()[0])
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade_head(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_head(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


def _empty_tables(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """The URL of an empty, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database_url")
    engine = make_engine(url)
    _empty_tables(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url) -> Engine:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def city(engine):
    """The demo city's areas, one account per role and a few shelters (see tests/factories.py)."""
    from tests import factories

    return factories.make_city(engine)


@pytest.fixture
def osaka_geojson() -> Path:
    path = SHARED_DATA / "osaka-pref-municipalities.geojson"
    if not path.exists():
        pytest.skip(f"shared boundary data not present at {path}")
    return path
