"""Helpers of bench/sessions.py: a Streamlit session driven over the websocket protocol as the
browser drives it, an app process (or nginx in front of several) on 127.0.0.1, and a throwaway
PostgreSQL database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.streamlit_ws import OPEN_TIMEOUT_S, Session  # noqa: F401  (re-exported)

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get(
    "DASHBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def throwaway_database() -> tuple[str, str]:
    name = f"bench_sessions_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextlib.contextmanager
def app_server(repo: Path, database_url: str, extra: list[str], env_extra: dict | None = None):
    port = free_port()
    env = {
        **os.environ,
        **(env_extra or {}),
        "DASHBOARD_DATABASE_URL": database_url,
        "DASHBOARD_DEMO_MODE": "true",
        "PYTHONPATH": str(repo),
    }
    command = [sys.executable, "-m", "streamlit", "run", str(repo / "dashboard" / "app.py")]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.fileWatcherType", "none", *extra]
    log = tempfile.NamedTemporaryFile(prefix="bench-sessions-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"server did not start, log: {log.name}") from None
                time.sleep(0.3)
        print(f"  app {base} pid {process.pid} log {log.name}")
        yield base, [process.pid]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def deployment(database_url: str, processes: int, worker_connections: int = 4096):
    """deploy/nginx.conf in front of ``processes`` app processes of this checkout, as deployed:
    the delivery worker is not in the app processes (deploy/dashboard.env.example)."""
    from tests.e2e.nginx import run_nginx

    no_worker = {"DASHBOARD_WORKER_IN_APP": "false"}
    with contextlib.ExitStack() as stack:
        apps = [
            stack.enter_context(app_server(REPO, database_url, [], no_worker))
            for _ in range(processes)
        ]
        urls = [app for app, _ in apps]
        base = stack.enter_context(
            run_nginx(urls, keep_logs=True, worker_connections=worker_connections)
        )
        yield base, [pid for _, pids in apps for pid in pids]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


# Damage report texts of the bulk seed (short, as typed on a phone).
PHRASES = ("道路に亀裂", "建物が一部倒壊", "冠水している", "電柱が傾いている", "火災の煙が見える")


def seed_reports(database_url: str, count: int, *, seed: int = 9) -> int:
    """Up to ``count`` damage reports of the demo city's wards in bulk (spread over the last
    day, around each ward's centre); returns how many were added (none if already there)."""
    import numpy as np
    from sqlalchemy import func, insert, select

    from dashboard import demo_city
    from dashboard.clock import utcnow
    from dashboard.domain import DAMAGE_CATEGORIES
    from dashboard.storage.db import make_engine, reading, transaction
    from dashboard.storage.models import DamageReport

    engine = make_engine(database_url)
    with reading(engine) as session:
        have = session.scalar(select(func.count(DamageReport.id))) or 0
    missing = max(0, count - have)
    rng = np.random.default_rng(seed + have)
    codes, categories = [w[0] for w in demo_city.WARDS], list(DAMAGE_CATEGORIES)
    centres = np.array([(w[3], w[4]) for w in demo_city.WARDS])
    now, start = utcnow(), uuid.uuid4().hex[:8]
    for first in range(0, missing, 20_000):
        n = min(20_000, missing - first)
        pick = rng.integers(0, len(codes), n)
        lat = centres[pick, 0] + rng.normal(0, 0.004, n)
        lon = centres[pick, 1] + rng.normal(0, 0.005, n)
        severity, ages = rng.integers(1, 5, n), rng.integers(0, 1440, n)
        rows = [
            {
                "submission_id": f"bulk-{start}-{first + i}",
                "lat": float(lat[i]),
                "lon": float(lon[i]),
                "ward_code": codes[pick[i]],
                "reporter_ward_code": codes[pick[i]],
                "category": categories[i % len(categories)],
                "severity": int(severity[i]),
                "description": f"{PHRASES[i % len(PHRASES)]}（{first + i}）",
                "review_state": "new",
                "reported_at": now - timedelta(minutes=int(ages[i])),
                "exercise": False,
            }
            for i in range(n)
        ]
        with transaction(engine) as session:
            session.execute(insert(DamageReport), rows)
    engine.dispose()
    return missing
