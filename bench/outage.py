"""Benchmark: how long a page waits when PostgreSQL goes away, and how soon it works again.

A TCP proxy (``tests/tcp_proxy.py``) stands between the engine and the server. Per state, the
time one unit of work (``storage.db.reading`` + ``SELECT 1``) takes to succeed or to raise
``StorageUnavailable``, median of ``--runs``:

- healthy: through the proxy, pooled connection;
- cut: every connection dropped and refused (a server that stopped, a reset network);
- black hole: connections accepted and never answered (a server powered off, packets dropped):
  ours gives up after ``PG_CONNECT_TIMEOUT_S``; the baseline is the engine as it was before (no
  connect timeout), stopped at ``--cap`` seconds if it still waits;
- first success after restore, on the same engine (its pool recovers by itself).

Run from the repository root: ``/work/main/.venv/bin/python bench/outage.py [--url URL]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from dashboard.errors import StorageUnavailable  # noqa: E402
from dashboard.storage.db import PG_CONNECT_TIMEOUT_S, make_engine, reading  # noqa: E402
from tests.tcp_proxy import TcpProxy  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def unit_of_work(engine) -> str:
    try:
        with reading(engine) as session:
            session.execute(text("SELECT 1"))
        return "ok"
    except StorageUnavailable:
        return "unavailable"


def timed(engine, cap: float) -> tuple[float, str]:
    """Seconds one unit of work took, and how it ended ("waiting" if still running at ``cap``)."""
    outcome: list[str] = []
    began = time.perf_counter()
    worker = threading.Thread(target=lambda: outcome.append(unit_of_work(engine)), daemon=True)
    worker.start()
    worker.join(cap)
    return time.perf_counter() - began, (outcome[0] if outcome else "waiting")


def median_of(runs: int, engine, cap: float, before=None) -> tuple[float, str]:
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(timed(engine, cap))
    return statistics.median(t for t, _ in results), ",".join(sorted({o for _, o in results}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cap", type=float, default=30.0)
    args = parser.parse_args()
    url = make_url(args.url)
    rows = []
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        ours = make_engine(proxied)
        # The engine as make_engine built it before this branch: no connect timeout.
        baseline = create_engine(proxied, pool_pre_ping=True)
        for name, engine in (("ours", ours), ("baseline", baseline)):
            unit_of_work(engine)  # a pooled connection
            rows.append((name, "healthy", *median_of(args.runs, engine, args.cap)))
            proxy.cut()
            rows.append((name, "cut", *median_of(args.runs, engine, args.cap)))
            proxy.restore()
            rows.append((name, "first after restore", *timed(engine, args.cap)))
            proxy.black_hole()
            runs = 1 if name == "baseline" else min(args.runs, 3)
            # Each try opens a new connection (an established one that stops answering is not
            # covered: see README "Security").
            rows.append((name, "black hole", *median_of(runs, engine, args.cap, engine.dispose)))
            proxy.restore()
            engine.dispose()
    print(f"PG_CONNECT_TIMEOUT_S = {PG_CONNECT_TIMEOUT_S}; median of {args.runs} runs")
    print(f"{'engine':<9} {'state':<21} {'seconds':>8}  outcome")
    for name, state, seconds, outcome in rows:
        shown = f">{args.cap:.0f}" if outcome == "waiting" else f"{seconds:.3f}"
        print(f"{name:<9} {state:<21} {shown:>8}  {outcome}")


if __name__ == "__main__":
    main()
