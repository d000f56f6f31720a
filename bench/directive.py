"""Benchmark: time from the mayor's click (``send_directive``) to the directive on the screens of
24 wards (the ``inbox_summary`` call each ward's banner fragment makes), on SQLite and PostgreSQL.

Usage: python bench/directive.py [--runs N] [--pg-url URL]
(PostgreSQL: a throwaway database on the server at DASHBOARD_TEST_PG_URL or the local default,
dropped at the end; skipped with a note when unreachable.) Prints a table; asserts nothing.

Per run: the click stores the directive, 24 deliveries and one outbox row per ward (a webhook
target each); then 24 threads — one per ward session — make their first poll at once.
"click → ward screen" is from the start of the click to the end of that ward's poll; the UI adds
up to ``directive_poll_seconds`` (the fragment's interval, 5 s by default) of waiting on top.
The baseline row is a bare read round trip (``SELECT 1`` in a read unit of work) in the same run.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo

from sqlalchemy import create_engine, text  # noqa: E402

from dashboard.domain import (
    Actor,
    Role,  # noqa: E402
)
from dashboard.services import demo, directives
from dashboard.storage.db import make_engine, reading, transaction  # noqa: E402
from dashboard.storage.migrate import upgrade_head  # noqa: E402
from dashboard.storage.models import ChannelTarget  # noqa: E402

# Timed runs per backend (each run: one click, 24 polls).
RUNS = 10
# Bare round trips timed for the baseline.
BASELINE_TRIPS = 200
PG_ADMIN_URL = os.environ.get(
    "DASHBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MAYOR = Actor(None, "bench-mayor", "bench mayor", Role.MAYOR, "27100")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def prepare(engine) -> list[Actor]:
    """The demo city with a webhook target per ward, and one ward-head actor per ward."""
    upgrade_head(engine)
    demo.seed_demo(engine)
    wards = [code for code, *_ in directives.list_targets(engine, MAYOR)]
    with transaction(engine) as session:
        for code in wards:
            session.add(
                ChannelTarget(
                    jurisdiction_code=code, kind="webhook", config={"url": "http://127.0.0.1:9/"}
                )
            )
    return [Actor(None, f"head-{code}", code, Role.WARD_HEAD, code) for code in wards]


def baseline(engine) -> list[float]:
    times = []
    for _ in range(BASELINE_TRIPS):
        start = time.perf_counter()
        with reading(engine) as session:
            session.execute(text("SELECT 1")).scalar()
        times.append(time.perf_counter() - start)
    return times


def one_click(engine, heads: list[Actor]) -> tuple[float, list[float], list[float]]:
    """(click seconds, per-ward seconds from click start to screen, per-ward poll seconds)."""
    wards = [a.jurisdiction_code for a in heads]
    start = time.perf_counter()
    submission = uuid.uuid4().hex
    # Each run its own title: the same title to the same wards within a minute is refused as a
    # probable double send (the check still runs and is timed).
    title = f"被害状況を報告してください {submission[:8]}"
    directives.send_directive(
        engine,
        MAYOR,
        submission_id=submission,
        ward_codes=wards,
        template="report_damage",
        title=title,
    )
    clicked = time.perf_counter()
    to_screen: list[float] = [0.0] * len(heads)
    polls: list[float] = [0.0] * len(heads)
    barrier = threading.Barrier(len(heads))

    def poll(index: int, actor: Actor) -> None:
        barrier.wait()
        began = time.perf_counter()
        summary = directives.inbox_summary(engine, actor)
        ended = time.perf_counter()
        assert summary.newest is not None and summary.newest.title == title
        to_screen[index], polls[index] = ended - start, ended - began

    threads = [threading.Thread(target=poll, args=(i, a)) for i, a in enumerate(heads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Acknowledge so the next run's directive is the newest open one for every ward.
    for actor in heads:
        for item in directives.list_inbox(engine, actor, limit=1):
            directives.acknowledge(engine, actor, item.delivery_id)
    return clicked - start, to_screen, polls


def bench(name: str, url: str, runs: int) -> list[tuple[str, str, list[float]]]:
    engine = (
        make_engine(url, pool_size=30, max_overflow=10)
        if "postgresql" in url
        else (make_engine(url))
    )
    try:
        heads = prepare(engine)
        rows = [("baseline: bare read round trip", "", baseline(engine))]
        clicks, screens, polls = [], [], []
        one_click(engine, heads)  # warm-up
        for _ in range(runs):
            click, to_screen, poll = one_click(engine, heads)
            clicks.append(click)
            screens.extend(to_screen)
            polls.extend(poll)
        rows += [
            ("click: send_directive to 24 wards", "", clicks),
            ("ward poll (24 at once): inbox_summary", "", polls),
            ("click → ward screen (24 wards)", "", screens),
        ]
        return [(name, label, values) for label, _, values in rows]
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--pg-url", default=PG_ADMIN_URL)
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += bench("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.runs)

    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    name = f"dashboard_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no server: report and go on
        print(f"(PostgreSQL skipped: {str(exc).splitlines()[0]})")
    else:
        try:
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            results += bench("postgresql", url, args.runs)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()

    print(f"\nClick to ward screen, 24 wards, {args.runs} runs (+1 warm-up); times in ms")
    header = f"{'backend':<11} {'measure':<40} {'n':>5} {'median':>8} {'p95':>8} {'max':>8}"
    print(header)
    print("-" * len(header))
    for backend, label, values in results:
        ms = [v * 1000 for v in values]
        print(
            f"{backend:<11} {label:<40} {len(ms):>5} {statistics.median(ms):>8.1f} "
            f"{percentile(ms, 0.95):>8.1f} {max(ms):>8.1f}"
        )
    print(
        "\nOn screen, the banner fragment polls every directive_poll_seconds (default 5 s): a"
        "\nward sees a directive at most that long after the 'click → ward screen' time above."
    )


if __name__ == "__main__":
    main()
