"""Benchmark: the home page's counts at 10,000 / 100,000 reports.

The home page shows how many areas, shelters and damage reports the user's area holds. The
baseline is how it used to count them (``len`` of ``areas.list_areas``,
``shelters.list_shelters`` and ``damage.list_reports``: every report as an ORM row); ours is
``situation.scope_counts`` (three ``COUNT`` queries). Same database, same run: the demo city in
a fresh SQLite file (as in ``bench/map.py``), the mayor's scope; medians of several runs.

Run from the repository root: ``/work/main/.venv/bin/python bench/home.py`` (``--quick``: 10,000
reports, one run).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for folder in (REPO, REPO / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import numpy as np  # noqa: E402
from map import seed_database  # noqa: E402

# Report counts, and runs per measurement (median taken).
SIZES = (10_000, 100_000)
RUNS = 5


def median_seconds(call, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(size: int, runs: int) -> str:
    from dashboard.services import areas, damage, shelters, situation

    with tempfile.TemporaryDirectory() as folder:
        engine, mayor, _ = seed_database(
            Path(folder) / "bench.sqlite3", size, np.random.default_rng(8)
        )

        def baseline() -> tuple[int, int, int]:
            return (
                len(areas.list_areas(engine, mayor)),
                len(shelters.list_shelters(engine, mayor)),
                len(damage.list_reports(engine, mayor)),
            )

        def ours() -> tuple[int, int, int]:
            counts = situation.scope_counts(engine, mayor)
            return counts.areas, counts.shelters, counts.reports

        base_s, expected = median_seconds(baseline, runs)
        ours_s, got = median_seconds(ours, runs)
        engine.dispose()
    assert got == expected, (got, expected)  # a benchmark of a wrong answer says nothing
    ratio = base_s / ours_s if ours_s else float("inf")
    return f"| {size:,} | {base_s * 1000:.0f} ms | {ours_s * 1000:.1f} ms | {ratio:.0f}x |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 reports, 1 run")
    args = parser.parse_args()
    sizes, runs = (SIZES[:1], 1) if args.quick else (SIZES, RUNS)
    print("Home page counts (SQLite, demo city, the mayor's scope); times are medians\n")
    print("| reports | baseline: list_* then len | scope_counts | ratio |")
    print("|---|---|---|---|")
    for size in sizes:
        print(measure(size, runs), flush=True)


if __name__ == "__main__":
    main()
