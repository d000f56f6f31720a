"""Benchmark: the first thirty minutes' chain, from a JMA telegram's arrival on the feed to every
ward's banner and the roll-call's last message queued (goal: 10 s or less on one machine).

Usage: python bench/first30.py [--staff N] [--runs R] [--pg-url URL] [--skip-sqlite]
Prints a table; asserts nothing. Everything runs on 127.0.0.1 and stops by itself.

Per backend and run (a fresh database with the demo city and N staff over its 24 wards):
1. A 震度速報 (6弱, 大阪府北部) is put on a local feed like JMA's eqvol.xml and the poll runs
   (``poll_jma_feed``, as the worker's thread would): fetch, parse, event, disaster, roll-call of
   everyone with one outbox row per channel, all in one transaction per telegram.
2. "queued": the poll has returned and every recipient's messages are in the outbox.
3. "banners" (訓練 run): every ward head's page header (``modes.mode_for``) shows the drill.
Baseline in the same run: the crisis office typing the same intensity by hand
(``rollcall.record_intensity``), which queues the same roll-call without fetching or parsing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rollcall import ADMIN, CITY, PG_ADMIN_URL, prepare  # noqa: E402
from sqlalchemy import create_engine, func, select, text, update  # noqa: E402

from dashboard.domain import Actor, Role  # noqa: E402
from dashboard.services import modes, rollcall  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from dashboard.storage.db import make_engine, reading, transaction  # noqa: E402
from dashboard.storage.models import (  # noqa: E402
    Jurisdiction,
    OutboxMessage,
    RollCall,
    RollCallRecipient,
    utcnow,
)

STAFF, RUNS = 10_000, 3
SECRET = "bench-first30-secret-0123456789abc"
GOAL_S = 10.0


def telegram(status: str, event: str, now) -> bytes:
    from tests.dashboard.services.jma_telegrams import OSAKA_NORTH
    from tests.dashboard.services.jma_telegrams import telegram as build

    return build(
        status=status,
        event_id=event,
        origin=now - timedelta(minutes=1),
        reported=now,
        areas={OSAKA_NORTH: "6-"},
    )


class Feed:
    """A local feed: /eqvol.xml lists one entry, /t.xml is the telegram."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = routes.get(self.path, b"")
                self.send_response(200 if self.path in routes else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, data: bytes, now) -> str:
        from tests.dashboard.services.jma_telegrams import feed

        stamp = (now + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M:%S+09:00")
        path = f"/t{uuid.uuid4().hex[:8]}.xml"
        self.routes[path] = data
        self.routes["/eqvol.xml"] = feed(self.base, [("震度速報", path, stamp)])
        return self.base + "/eqvol.xml"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def queued(engine) -> tuple[int, int]:
    with reading(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(RollCallRecipient)),
            s.scalar(select(func.count()).select_from(OutboxMessage)),
        )


def ward_heads(engine) -> list[Actor]:
    with reading(engine) as s:
        codes = s.scalars(select(Jurisdiction.code).where(Jurisdiction.parent_code == CITY))
        return [Actor(None, f"head-{c}", c, Role.WARD_HEAD, c) for c in codes]


def one_run(url: str, staff: int, status: str, feed: Feed) -> dict:
    engine = make_engine(url)
    try:
        prepare(engine, staff)
        now = utcnow()
        settings = Settings(
            secret_key=SECRET,
            jma_feed_url=feed.publish(telegram(status, uuid.uuid4().hex[:14], now), now),
            jma_allowed_hosts=["127.0.0.1"],
            jma_area_codes=[CITY],
            jma_accept_drills=True,
        )
        heads = ward_heads(engine)
        began = time.perf_counter()
        results = rollcall.poll_jma_feed(engine, settings=settings, now=now)
        people, messages = queued(engine)
        t_queued = time.perf_counter() - began
        banners = None
        if status == "訓練":
            shown = [modes.mode_for(engine, head).exercise_name for head in heads]
            banners = time.perf_counter() - began
            assert all(shown), "a ward's banner does not show the drill"
        assert results and results[0].rollcall_id, "no roll-call started"
        # Baseline: the same intensity typed by hand (no fetch, no parse), in the same database.
        # The telegram's roll-call is ended first, so that the hand calls in the same people.
        if status == "訓練":
            modes.end_drill(engine, ADMIN)
        with transaction(engine) as s:
            s.execute(update(RollCall).values(ended_at=utcnow()))
        hand = time.perf_counter()
        started = rollcall.record_intensity(
            engine, ADMIN, submission_id=uuid.uuid4().hex, scope_code=CITY, intensity="6-"
        )
        t_hand = time.perf_counter() - hand
        assert started, "the hand baseline started nothing"
        return {
            "queued": t_queued,
            "banners": banners,
            "hand": t_hand,
            "people": people,
            "messages": messages,
        }
    finally:
        engine.dispose()


def bench(name: str, url_of, args, feed: Feed) -> list[tuple]:
    rows = []
    for status in ("訓練", "通常"):
        runs = [one_run(url_of(), args.staff, status, feed) for _ in range(args.runs)]
        q = statistics.median(r["queued"] for r in runs)
        hand = statistics.median(r["hand"] for r in runs)
        detail = f"{runs[0]['people']:,} people, {runs[0]['messages']:,} messages"
        rows.append((name, f"{status}: telegram → roll-call's last message queued", q, detail))
        if status == "訓練":
            b = statistics.median(r["banners"] for r in runs)
            rows.append((name, f"{status}: telegram → every ward's banner (24 wards)", b, ""))
        rows.append(
            (
                name,
                "baseline: the crisis office types 6弱 for the city by hand",
                hand,
                f"feed chain / hand = {q / hand:.2f}×",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=STAFF)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--pg-url", default=PG_ADMIN_URL)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    feed = Feed()
    results = []
    try:
        if not args.skip_sqlite:
            with tempfile.TemporaryDirectory() as tmp:
                counter = iter(range(1000))
                results += bench(
                    "sqlite",
                    lambda: f"sqlite:///{Path(tmp) / f'b{next(counter)}.sqlite3'}",
                    args,
                    feed,
                )
        admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        made: list[str] = []

        def fresh_pg() -> str:
            name = f"dashboard_first30_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            made.append(name)
            return admin.url.set(database=name).render_as_string(hide_password=False)

        try:
            results += bench("postgresql", fresh_pg, args, feed)
        except Exception as exc:  # noqa: BLE001 - no server: report and go on
            print(f"(PostgreSQL skipped: {str(exc).splitlines()[0]})")
        finally:
            with admin.connect() as conn:
                for name in made:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    finally:
        feed.close()
    print(
        f"\nFirst thirty minutes: telegram to roll-call, {args.staff:,} staff, "
        f"median of {args.runs} runs (goal ≤ {GOAL_S:.0f} s)"
    )
    header = f"{'backend':<11} {'measure':<62} {'seconds':>9}  detail"
    print(header)
    print("-" * (len(header) + 30))
    for backend, label, value, detail in results:
        print(f"{backend:<11} {label:<62} {value:>9.3f}  {detail}")


if __name__ == "__main__":
    main()
