"""Benchmark: the city's draft of its next 第N報 at 10,000 / 100,000 damage reports.

What the crisis office waits for when it opens the situation-report page is ``draft_report``
(every figure of 24 wards from reports, tallies and shelters). It is timed twice: with the
damage-report sums aggregated again on every call (the cache cleared: the draft before issue 22)
and from the cached sums with one new report arrived since the last draft (what a refresh of
the page does during a disaster). The baseline is what it does
today to build the same numbers by hand: the damage-report export of the same disaster
(``exports.reports_table``, every report as a row). Also timed: issuing the report (draft + the
snapshot stored) and its files (xlsx, PDF), and the stored snapshot's size. Same database, same
run: the demo city in a fresh SQLite file (as in ``bench/map.py``); medians of several runs.

Run from the repository root: ``/work/main/.venv/bin/python bench/sitreports.py`` (``--quick``:
10,000 reports, one run).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for folder in (REPO, REPO / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import numpy as np  # noqa: E402
from map import NOW, seed_database  # noqa: E402

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


def new_report(engine, actor, submission_id: str) -> None:
    """A report of 北区 arriving now (a death), as a ward's phone sends it."""
    from dashboard.services import damage

    draft = damage.draft_from_form(
        coordinates="34.7055, 135.5000",
        category="building_collapse",
        severity=3,
        counts={k: "1" if k == "dead" else "0" for k in damage.COUNT_FIELDS},
        housing_class=None,
        detail={},
    )
    damage.submit_report(engine, actor, draft, submission_id=submission_id)


def measure(size: int, runs: int) -> str:
    from sqlalchemy import select

    from dashboard.i18n import translate
    from dashboard.services import exports, modes, sitreports
    from dashboard.services.accounts import actor_for
    from dashboard.storage.db import reading
    from dashboard.storage.models import SituationReport, User

    with tempfile.TemporaryDirectory() as folder:
        engine, mayor, _ = seed_database(
            Path(folder) / "bench.sqlite3", size, np.random.default_rng(8)
        )
        with reading(engine) as s:
            governor = actor_for(s.scalars(select(User).where(User.username == "governor")).one())
        disaster = modes.record_disaster(
            engine,
            governor,
            name="ベンチ台風",
            kind="typhoon",
            area_code="27000",
            started_at=NOW - timedelta(hours=25),
        )
        base_s, table = median_seconds(
            lambda: exports.reports_table(engine, mayor, disaster_id=disaster), runs
        )
        from dashboard.services.sitreports import aggregates

        def cold():
            aggregates.clear()  # every report aggregated again: the draft before issue 22
            return sitreports.draft_report(engine, mayor, disaster, body_code="27100")

        cold_s, cold_draft = median_seconds(cold, runs)
        sitreports.draft_report(engine, mayor, disaster, body_code="27100")  # the cache filled
        times = []
        for n in range(runs):
            # One report arrived since the last draft (not timed): the cache merges it in.
            new_report(engine, mayor, f"bench-new-{n}")
            start = time.perf_counter()
            draft = sitreports.draft_report(engine, mayor, disaster, body_code="27100")
            times.append(time.perf_counter() - start)
        ours_s = statistics.median(times)
        assert draft.total["dead"][0] >= (cold_draft.total["dead"][0] or 0)
        counted = draft.total["injured_unclassified"][0] or 0
        # Injured in the export's rows (duplicates left out, as the report does; the demo's
        # reports have no 重傷/軽傷 split, so all are unclassified).
        column = exports.REPORT_COLUMNS.index
        duplicate = translate("review.duplicate", "ja")
        expected = sum(
            row[column("injured")] for row in table.rows if row[column("review")] != duplicate
        )
        assert counted == expected, (counted, expected)  # a wrong answer measures nothing
        n = iter(range(10**6))
        issue_s, report_id = median_seconds(
            lambda: sitreports.issue_report(
                engine, mayor, disaster, body_code="27100", submission_id=f"b{next(n)}"
            ),
            runs,
        )
        view = sitreports.get_report(engine, mayor, report_id)
        xlsx_s, _ = median_seconds(lambda: sitreports.report_xlsx(view), runs)
        pdf_s, _ = median_seconds(lambda: sitreports.report_pdf(view), runs)
        with reading(engine) as s:
            size_kb = len(json.dumps(s.get(SituationReport, report_id).figures)) / 1024
        engine.dispose()
    ratio = base_s / ours_s if ours_s else float("inf")
    return (
        f"| {size:,} | {base_s * 1000:.0f} ms | {cold_s * 1000:.0f} ms "
        f"| {ours_s * 1000:.0f} ms | {ratio:.1f}x "
        f"| {issue_s * 1000:.0f} ms | {xlsx_s * 1000:.0f} ms | {pdf_s * 1000:.0f} ms "
        f"| {size_kb:.0f} KB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 reports, 1 run")
    args = parser.parse_args()
    sizes, runs = (SIZES[:1], 1) if args.quick else (SIZES, RUNS)
    print("The city's 第N報 (SQLite, demo city, 24 wards); times are medians\n")
    print(
        "| reports | baseline: export of the disaster's reports | draft, full GROUP BY "
        "(before) | draft, cached sums + 1 new report | ratio to baseline "
        "| issue | xlsx | PDF | snapshot |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        print(measure(size, runs), flush=True)


if __name__ == "__main__":
    main()
