"""A Streamlit session driven over Streamlit's websocket protocol, as the browser drives it (no
browser): connect to ``/_stcore/stream`` with cookies, ask for a page (``rerun_script``), and
answer every ``auto_rerun`` the server announces with a fragment rerun, as the frontend's timers
do. ``watch`` records when a message containing those bytes first arrived (e.g. a banner text).
With ``fetch_map_data`` a new ``/mapdata/<token>`` the map's script would load is fetched over
HTTP with the login cookie, as the browser's script does (``map_fetches`` counts them).
Used by tests/e2e/test_capacity.py and bench/sessions.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# A first run slower than this counts as "does not open".
OPEN_TIMEOUT_S = 90.0
# The login cookie (dashboard.web.SESSION_COOKIE).
SESSION_COOKIE = "dashboard_session"
# The map data a page's map script loads (dashboard.maps.published).
MAP_DATA = re.compile(rb"/mapdata/[0-9a-f]{32}")


@dataclass
class Session:
    """One browser tab, as far as the server can tell."""

    ws_url: str
    origin: str
    token: str
    page: str
    watch: bytes | None = None
    seen_at: float | None = None
    # Keep every message received (a test reads them; a benchmark does not).
    keep: bool = False
    messages: list[ForwardMsg] = field(default_factory=list)
    ws: object = None
    runs_finished: int = 0
    timers: dict = field(default_factory=dict)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task | None = None
    # Which app process answered (nginx's X-Dashboard-Upstream header; "" without nginx).
    upstream: str = ""
    # Set when the server (or a proxy) closed the websocket: "code reason" and when. A browser
    # would reconnect; this client does not, so a dropped session must be counted as such.
    dropped: str | None = None
    dropped_at: float | None = None
    closing: bool = False
    fetch_map_data: bool = False
    map_fetches: int = 0
    map_bytes: int = 0
    map_failures: int = 0
    map_url: bytes = b""
    # deploy/nginx.conf's sticky key, as the browser keeps it from nginx's first answer: the
    # map data's GET then reaches the process that published it.
    route: str = field(default_factory=lambda: secrets.token_hex(8))

    def cookies(self) -> str:
        return f"{SESSION_COOKIE}={self.token}; dashboard_route={self.route}"

    async def open(self) -> float:
        """Connect, run the page once; seconds until that first run finished."""
        start = time.perf_counter()
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            additional_headers={"Cookie": self.cookies(), "Origin": self.origin},
            max_size=None,
            open_timeout=OPEN_TIMEOUT_S,
            ping_interval=None,
        )
        self.upstream = self.ws.response.headers.get("X-Dashboard-Upstream", "")
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
        try:
            await self._receive()
        except asyncio.CancelledError:
            return
        if not self.closing:
            self.dropped = f"{self.ws.close_code} {self.ws.close_reason}".strip()
            self.dropped_at = time.monotonic()

    async def _receive(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for data in self.ws:
                if self.watch is not None and self.seen_at is None and self.watch in data:
                    self.seen_at = time.monotonic()
                if self.fetch_map_data:
                    found = MAP_DATA.search(data)
                    if found and found.group() != self.map_url:
                        self.map_url = found.group()
                        asyncio.create_task(self._fetch_map(found.group().decode()))
                msg = ForwardMsg()
                msg.ParseFromString(data)
                if self.keep:
                    self.messages.append(msg)
                kind = msg.WhichOneof("type")
                if kind == "script_finished":
                    self.runs_finished += 1
                    self.finished.set()
                elif kind == "auto_rerun":
                    fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
                    if fid not in self.timers:
                        self.timers[fid] = asyncio.create_task(self._tick(fid, every))

    async def _fetch_map(self, path: str) -> None:
        """What the map's script does with a new URL: GET it with the login cookie."""
        request = urllib.request.Request(
            self.origin + path,
            headers={"Cookie": self.cookies(), "Accept-Encoding": "gzip"},
        )

        def get() -> int:
            with urllib.request.urlopen(request, timeout=OPEN_TIMEOUT_S) as response:
                return len(response.read())

        try:
            self.map_bytes += await asyncio.to_thread(get)
            self.map_fetches += 1
        except OSError:
            self.map_failures += 1

    async def _tick(self, fragment_id: str, every: float) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, asyncio.CancelledError):
            while True:
                await asyncio.sleep(every)
                await self.rerun(fragment_id)

    def texts(self) -> str:
        """Everything received, as text (to look for what the page showed)."""
        return "\n".join(str(m) for m in self.messages)

    async def close(self) -> None:
        self.closing = True
        for task in self.timers.values():
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


# --- the server and the database -------------------------------------------------------------
