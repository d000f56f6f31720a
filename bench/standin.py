"""Benchmark: what the stand-in (代行) adds to every delivery worker cycle, on SQLite.

Usage: python bench/standin.py [--directives N] [--repeat R]
Prints a table; asserts nothing. One fresh SQLite database with the demo city (24 wards, 8 bureaus
with a head and a deputy), N open urgent directives each to all 32 units (none acknowledged).

Per job, the median and p95 of R calls, milliseconds:
- idle: nothing due (the clock a minute after sending), the cost of every ordinary cycle;
  ``escalate_overdue`` (the existing reminder job) is the baseline of the same run.
- due: the stand-in's first due cycle (every bureau's delivery passes to deputy 1 at once), and
  the reminder job's first due cycle, each once per fresh copy of the database.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo

from sqlalchemy import select  # noqa: E402

from dashboard.services import demo, directives, hq  # noqa: E402
from dashboard.services.accounts import actor_for  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from dashboard.storage.db import make_engine, reading  # noqa: E402
from dashboard.storage.migrate import upgrade_head  # noqa: E402
from dashboard.storage.models import User, utcnow  # noqa: E402

SETTINGS = Settings(secret_key="bench-standin-secret-0123456789")


def _timed(call, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _prepare(path: Path, n: int):
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_head(engine)
    demo.seed_demo(engine)
    with reading(engine) as s:
        mayor = actor_for(s.scalars(select(User).where(User.username == "mayor")).one())
    t0 = utcnow()
    for i in range(n):
        directives.send_directive(
            engine, mayor, submission_id=f"b{i}", ward_codes=[], hq_members=True,
            title=f"bench {i}", priority="urgent", now=t0, confirmed=True,
        )  # fmt: skip
    engine.dispose()
    return t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--directives", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-standin-"))
    template = folder / "template.sqlite3"
    t0 = _prepare(template, args.directives)
    rows = []
    engine = make_engine(f"sqlite:///{template}")
    idle = t0 + timedelta(minutes=1)
    for name, job in (("escalate_overdue (baseline)", directives.escalate_overdue),
                      ("hand_over_overdue", hq.hand_over_overdue)):  # fmt: skip
        p50, p95 = _timed(lambda job=job: job(engine, now=idle, settings=SETTINGS), args.repeat)
        rows.append((name, "idle", p50, p95))
    engine.dispose()
    due = t0 + timedelta(minutes=6)
    for name, job in (("escalate_overdue (baseline)", directives.escalate_overdue),
                      ("hand_over_overdue", hq.hand_over_overdue)):  # fmt: skip
        times = []
        for i in range(min(args.repeat, 10)):
            copy = folder / f"copy{i}.sqlite3"
            shutil.copy(template, copy)
            engine = make_engine(f"sqlite:///{copy}")
            start = time.perf_counter()
            job(engine, now=due, settings=SETTINGS)
            times.append((time.perf_counter() - start) * 1000)
            engine.dispose()
        times.sort()
        rows.append((name, "first due", statistics.median(times), times[-1]))
    deliveries = args.directives * 32
    print(f"{args.directives} open directives x 32 units = {deliveries} deliveries, SQLite")
    print(f"{'job':<30} {'cycle':<10} {'p50 ms':>8} {'p95/max ms':>11}")
    for name, cycle, p50, p95 in rows:
        print(f"{name:<30} {cycle:<10} {p50:>8.1f} {p95:>11.1f}")
    base = {cycle: p50 for name, cycle, p50, _ in rows if "baseline" in name}
    for name, cycle, p50, _ in rows:
        if "baseline" not in name:
            print(f"ratio {name} / baseline ({cycle}): {p50 / base[cycle]:.2f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
