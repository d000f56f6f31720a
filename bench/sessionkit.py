"""Helpers of bench/sessions.py: a Streamlit session driven over the websocket protocol as the
browser drives it, an app process (or nginx in front of several) on 127.0.0.1, and a throwaway
PostgreSQL database."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from sqlalchemy import create_engine, text
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get(
    "DASHBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# A first run slower than this counts as "does not open".
OPEN_TIMEOUT_S = 90.0
SESSION_COOKIE = "dashboard_session"


@dataclass
class Session:
    """One browser tab, as far as the server can tell."""

    ws_url: str
    origin: str
    token: str
    page: str
    watch: bytes | None = None
    seen_at: float | None = None
    ws: object = None
    runs_finished: int = 0
    timers: dict = field(default_factory=dict)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task | None = None

    async def open(self) -> float:
        """Connect, run the page once; seconds until that first run finished."""
        start = time.perf_counter()
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            additional_headers={"Cookie": f"{SESSION_COOKIE}={self.token}", "Origin": self.origin},
            max_size=None,
            open_timeout=OPEN_TIMEOUT_S,
            ping_interval=None,
        )
        self.reader = asyncio.create_task(self._read())
        await self.rerun()
        await asyncio.wait_for(self.finished.wait(), OPEN_TIMEOUT_S)
        return time.perf_counter() - start

    async def rerun(self, fragment_id: str = "") -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.page_name = self.page
        state.query_string = ""
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        else:
            self.finished.clear()
        state.context_info.timezone = "Asia/Tokyo"
        state.context_info.locale = "ja-JP"
        await self.ws.send(msg.SerializeToString())

    async def timed_rerun(self) -> float:
        start = time.perf_counter()
        await self.rerun()
        await asyncio.wait_for(self.finished.wait(), OPEN_TIMEOUT_S)
        return time.perf_counter() - start

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, asyncio.CancelledError):
            async for data in self.ws:
                if self.watch is not None and self.seen_at is None and self.watch in data:
                    self.seen_at = time.monotonic()
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "script_finished":
                    self.runs_finished += 1
                    self.finished.set()
                elif kind == "auto_rerun":
                    fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
                    if fid not in self.timers:
                        self.timers[fid] = asyncio.create_task(self._tick(fid, every))

    async def _tick(self, fragment_id: str, every: float) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, asyncio.CancelledError):
            while True:
                await asyncio.sleep(every)
                await self.rerun(fragment_id)

    async def close(self) -> None:
        for task in self.timers.values():
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


# --- the server and the database -------------------------------------------------------------


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
def app_server(repo: Path, database_url: str, extra: list[str]):
    port = free_port()
    env = {
        **os.environ,
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
        yield base, [process.pid]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def deployment(database_url: str, processes: int):
    """deploy/nginx.conf in front of ``processes`` app processes of this checkout."""
    from tests.e2e.nginx import run_nginx

    with contextlib.ExitStack() as stack:
        apps = [stack.enter_context(app_server(REPO, database_url, [])) for _ in range(processes)]
        base = stack.enter_context(run_nginx([app for app, _ in apps]))
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
