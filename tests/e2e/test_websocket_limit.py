"""Streamlit's websocket takes no large frames (issue 20 #11): ``server.maxMessageSize`` in
.streamlit/config.toml bounds what a browser may send before (and after) logging in, and the
app's own messages fit under it with room to spare: every menu page of the crisis office is
opened over the websocket and its largest message measured."""

from __future__ import annotations

import asyncio
import tomllib

import pytest
import websockets
from sqlalchemy import select

from dashboard.services import accounts, demo
from dashboard.storage.db import make_engine, reading
from dashboard.storage.migrate import upgrade_head
from dashboard.storage.models import User
from dashboard.ui import navigation
from tests.e2e.harness import REPO_ROOT, run_streamlit
from tests.e2e.streamlit_ws import Session

pytestmark = pytest.mark.e2e
APP = REPO_ROOT / "dashboard" / "app.py"
CONFIG = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
LIMIT = CONFIG["server"]["maxMessageSize"] * 1_000_000


def test_the_limit_is_a_few_megabytes():
    assert LIMIT <= 8_000_000


def test_a_frame_over_the_limit_is_refused_and_the_pages_fit_under_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'ws.db'}"
    env = {
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_DEMO_MODE": "true",
        "DASHBOARD_WORKER_IN_APP": "false",
    }

    async def oversized(ws_url: str) -> int | None:
        ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None)
        try:
            await ws.send(b"\0" * (LIMIT + 1_000_000))
            await asyncio.wait_for(ws.recv(), 10)
            await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except ConnectionResetError:
            return 1009 if ws.close_code in (None, 1009) else ws.close_code
        finally:
            await ws.close()
        return None

    async def largest_messages(base_url: str, token: str, pages: list[str]) -> dict[str, int]:
        ws_url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
        sizes = {}
        for page in pages:
            session = Session(ws_url, base_url, token, page, keep=True)
            await session.open()
            sizes[page] = max(m.ByteSize() for m in session.messages)
            session.closing = True
            await session.ws.close()
        return sizes

    engine = make_engine(url)
    upgrade_head(engine)
    demo.ensure_demo(engine)
    with run_streamlit(APP, env=env) as base_url:
        ws_url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
        assert asyncio.run(oversized(ws_url)) == 1009  # "message too big", before any login
        with reading(engine) as s:
            mayor = accounts.actor_for(s.scalar(select(User).where(User.username == "mayor")))
        token = accounts.start_session(engine, mayor)
        pages = [
            spec.file.removesuffix(".py") for spec in navigation.specs_for(mayor) if not spec.hidden
        ]
        sizes = asyncio.run(largest_messages(base_url, token, pages))
        engine.dispose()
    print("largest message per page (bytes):", sizes)
    assert len(sizes) == len(pages) > 5
    assert max(sizes.values()) < LIMIT / 4, sizes
    assert "map" in sizes  # the largest: about 0.1 MB for the demo city
