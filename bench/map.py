"""Benchmark: the command map against a naive folium map, at 1,000 / 10,000 / 100,000 reports.

Both maps show the same 24 wards, 500 shelters and N damage reports. The naive baseline is what
folium invites: one ``folium.CircleMarker`` with a ``folium.Popup`` per shelter and per report.
For each size it prints build + render time (``build(...)`` then ``m.get_root().render()``,
median of several runs), page bytes, bytes per report and the ratios; for our map also the time
of the whole ``st_folium`` call (its component stubbed out), which renders the map again.

A third table times the replay (振り返り) at 10,000 / 100,000 reports against the current-time
map in the same run and database: a moment never shown before (each step of the play button is
one), the same moment again (cached), and the map of now (a refresh with no new data).

A second table measures the whole read path from the database: the demo city in a fresh SQLite
file with 10,000 / 100,000 reports, read by ``services.command_map`` (first view of a process,
a refresh with no new data, a refresh after one new report) and then drawn; the baseline is the
straightforward path (``ward_situations`` plus every report as an ORM object into a frame).

Run from the repository root: ``/work/venv/bin/python bench/map.py`` (``--quick`` for a smoke
run, ``--no-db`` to skip the database table). Wards come from ../shared/data/osaka when present,
else a schematic 6 x 4 grid.
"""

from __future__ import annotations

import argparse
import html
import logging
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import folium  # noqa: E402
import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from dashboard.maps import build_command_map  # noqa: E402
from dashboard.maps.texts import make_translate  # noqa: E402

# Report counts of the database table, and runs per measurement there.
DB_SIZES = (10_000, 100_000)
DB_RUNS = 3

# Report counts benchmarked.
SIZES = (1_000, 10_000, 100_000)
# Largest report count the naive map is really built for; beyond it its cost is extrapolated
# linearly from this size (it takes minutes and ~100 MB).
NAIVE_CAP = 10_000
# Runs per measurement (median taken): ours, and the naive map (slow).
RUNS = 5
NAIVE_RUNS = 3
from mapdata import (  # noqa: E402
    CATEGORIES,
    NOW,
    PHRASES,
    load_wards,
    make_reports,
    make_shelters,
)


def build_naive(
    wards: gpd.GeoDataFrame, shelters: pd.DataFrame, reports: pd.DataFrame
) -> folium.Map:
    """The baseline: folium's defaults, one CircleMarker and Popup per point."""
    m = folium.Map(location=(34.67, 135.50), zoom_start=12)
    folium.GeoJson(wards[["code", "name", "level", "geometry"]]).add_to(m)
    for row in shelters.itertuples():
        folium.CircleMarker(
            (row.lat, row.lon), radius=6, popup=folium.Popup(html.escape(row.name))
        ).add_to(m)
    for row in reports.itertuples():
        folium.CircleMarker(
            (row.lat, row.lon),
            radius=4 + row.severity,
            color="#e31a1c",
            fill=True,
            popup=folium.Popup(html.escape(row.description)),
        ).add_to(m)
    return m


def measure(make_page: Callable[[], str], runs: int) -> tuple[float, int]:
    """Median seconds of ``make_page`` over ``runs`` runs, and the page's size in bytes."""
    seconds = []
    page = ""
    for _ in range(runs):
        start = time.perf_counter()
        page = make_page()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), len(page.encode("utf-8"))


def measure_st_folium(make_map: Callable[[], folium.Map], runs: int) -> float | None:
    """Median seconds of a whole st_folium call (component stubbed), or None without it."""
    try:
        import streamlit_folium
    except ImportError:
        return None
    # Outside `streamlit run` Streamlit warns about the missing script context; that is expected.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    original = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **kwargs: kwargs["default"]
    try:
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            streamlit_folium.st_folium(
                make_map(), key="bench", returned_objects=["last_active_drawing"]
            )
            seconds.append(time.perf_counter() - start)
        return statistics.median(seconds)
    finally:
        streamlit_folium._component_func = original


def seed_database(path: Path, count: int, rng: np.random.Generator):
    """The demo city in a fresh SQLite file plus ``count`` reports: (engine, mayor, staff)."""
    from sqlalchemy import insert, select

    from dashboard import demo_city
    from dashboard.services.accounts import actor_for
    from dashboard.services.demo import seed_demo
    from dashboard.storage.db import make_engine, reading, transaction
    from dashboard.storage.migrate import upgrade_head
    from dashboard.storage.models import DamageReport, User

    engine = make_engine(f"sqlite:///{path}")
    upgrade_head(engine)
    seed_demo(engine)
    codes = [w[0] for w in demo_city.WARDS]
    centres = np.array([(w[3], w[4]) for w in demo_city.WARDS])
    pick = rng.integers(0, len(codes), count)
    lat = centres[pick, 0] + rng.normal(0, 0.004, count)
    lon = centres[pick, 1] + rng.normal(0, 0.005, count)
    severity = rng.integers(1, 5, count)
    hurt = rng.random(count) < 0.03
    ages = rng.integers(0, 1440, count)
    phrases = rng.choice(PHRASES, count)
    rows = [
        {
            "submission_id": f"bench-{i}",
            "lat": float(lat[i]),
            "lon": float(lon[i]),
            "ward_code": codes[pick[i]],
            "reporter_ward_code": codes[pick[i]],
            "category": CATEGORIES[i % len(CATEGORIES)],
            "severity": int(severity[i]),
            "injured": int(hurt[i]),
            "description": f"{phrases[i]}（第{i}報）",
            "review_state": "new",
            "reported_at": NOW - timedelta(minutes=int(ages[i])),
            "exercise": False,
        }
        for i in range(count)
    ]
    with transaction(engine) as session:
        session.execute(insert(DamageReport), rows)
    with reading(engine) as session:
        users = {u.username: actor_for(u) for u in session.scalars(select(User))}
    return engine, users["mayor"], users["kita-staff"]


def measure_database(size: int, runs: int, rng: np.random.Generator) -> tuple[str, ...]:
    """One row of the database table (see the module docstring)."""
    from sqlalchemy import select

    from dashboard.services import command_map, damage
    from dashboard.services.situation import ward_situations
    from dashboard.storage.db import make_engine, reading
    from dashboard.storage.models import DamageReport

    t = make_translate("ja")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        engine, mayor, staff = seed_database(path, size, rng)
        engine.dispose()
        url = f"sqlite:///{path}"

        def baseline() -> str:
            fresh = make_engine(url)
            ward_situations(fresh, mayor)
            with reading(fresh) as session:
                reports = session.scalars(select(DamageReport)).all()
                pd.DataFrame([{"id": r.id, "lat": r.lat, "lon": r.lon} for r in reports])
            fresh.dispose()
            return ""

        def view_and_map(engine, *, draw: bool) -> str:
            v = command_map.command_view(engine, mayor, now=NOW)
            if not draw:
                return ""
            m = build_command_map(v.areas, v.shelters, v.reports, t=t, now=NOW)
            return m.get_root().render()

        def first_view(*, draw: bool) -> str:
            fresh = make_engine(url)  # a new engine has empty caches, as in a new process
            page = view_and_map(fresh, draw=draw)
            fresh.dispose()
            return page

        def after_new_report(engine) -> float:
            draft = damage.ReportDraft(lat=34.70267, lon=135.50003, category="fire", severity=3)
            damage.submit_report(engine, staff, draft, submission_id=uuid.uuid4().hex)
            start = time.perf_counter()
            command_map.command_view(engine, mayor, now=NOW)
            return time.perf_counter() - start

        base_s, _ = measure(baseline, runs)
        cold_s, _ = measure(lambda: first_view(draw=False), runs)
        cold_map_s, page_bytes = measure(lambda: first_view(draw=True), runs)
        engine = make_engine(url)
        view_and_map(engine, draw=False)
        warm_s, _ = measure(lambda: view_and_map(engine, draw=False), runs)
        new_s = statistics.median(after_new_report(engine) for _ in range(runs))
        warm_map_s, _ = measure(lambda: view_and_map(engine, draw=True), runs)
        engine.dispose()
    return (
        f"{size:,}",
        f"{base_s:.2f} s",
        f"{cold_s:.2f} s",
        f"{warm_s * 1000:.0f} ms",
        f"{new_s * 1000:.0f} ms",
        f"{warm_map_s:.3f} s",
        f"{cold_map_s:.2f} s",
        f"{page_bytes / 1e6:.2f} MB",
    )


def measure_replay(size: int, runs: int, rng: np.random.Generator) -> tuple[str, ...]:
    """One row of the replay table (see the module docstring)."""
    from dashboard.services import command_map
    from dashboard.storage.db import make_engine

    t = make_translate("ja")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        engine, mayor, _ = seed_database(path, size, rng)
        engine.dispose()
        engine = make_engine(f"sqlite:///{path}")
        # Play steps around 12 hours back, about half of the reports then.
        moments = iter(NOW - timedelta(hours=12, minutes=-5 * k) for k in range(1, 10_000))

        def view_and_map(as_of) -> str:
            v = command_map.command_view(engine, mayor, now=NOW, as_of=as_of)
            m = build_command_map(
                v.areas, v.shelters, v.reports, t=t, now=v.as_of or NOW, replay=as_of is not None
            )
            return m.get_root().render()

        view_and_map(None)  # the process has read the reports once, as a running app has
        now_s, now_bytes = measure(lambda: view_and_map(None), runs)
        new_s, new_bytes = measure(lambda: view_and_map(next(moments)), runs)
        again = NOW - timedelta(hours=12)
        view_and_map(again)
        again_s, _ = measure(lambda: view_and_map(again), runs)
        shown = len(command_map.command_view(engine, mayor, now=NOW, as_of=again).reports)
        engine.dispose()
    return (
        f"{size:,}",
        f"{now_s:.3f} s",
        f"{new_s:.3f} s",
        f"{again_s:.3f} s",
        f"{new_s / now_s:.1f}x",
        f"{now_bytes / 1e6:.2f} / {new_bytes / 1e6:.2f} MB",
        f"{shown:,}",
    )


def run_replay_bench(sizes: tuple[int, ...], runs: int) -> None:
    """The map as of a past moment against the map of now, same database and run."""
    rng = np.random.default_rng(29)
    print()
    print(
        "Replay (SQLite, demo city; reports over the last 24 h); view + map build+render, medians"
    )
    print()
    header = (
        "| reports | map of now (refresh) | replay, a new moment (a play step) "
        "| replay, same moment again | new moment / now | page now / replay | reports 12 h ago |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for size in sizes:
        print("| " + " | ".join(measure_replay(size, runs, rng)) + " |")


def run_database_bench(sizes: tuple[int, ...], runs: int) -> None:
    """The read path from SQLite to the page, against the straightforward service path."""
    rng = np.random.default_rng(17)
    print()
    print("From the database (SQLite, demo city: 24 wards, 360 shelters); times are medians")
    print()
    header = (
        "| reports | baseline: ward_situations + ORM rows | first view of a process "
        "| refresh, no new data | refresh after 1 new report | view + map build+render, warm "
        "| first view + map | page |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for size in sizes:
        print("| " + " | ".join(measure_database(size, runs, rng)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 reports, 1 run")
    parser.add_argument("--no-db", action="store_true", help="skip the database tables")
    parser.add_argument("--replay-only", action="store_true", help="only the replay table")
    args = parser.parse_args()
    sizes = SIZES[:2] if args.quick else SIZES
    runs, naive_runs = (1, 1) if args.quick else (RUNS, NAIVE_RUNS)

    if args.replay_only:
        run_replay_bench(DB_SIZES[:1] if args.quick else DB_SIZES, 1 if args.quick else DB_RUNS)
        return
    rng = np.random.default_rng(2025)
    wards, source = load_wards()
    shelters = make_shelters(wards, rng)
    t = make_translate("ja")
    print(f"wards: {len(wards)} ({source}), shelters: {len(shelters)}; times are medians")
    print()
    header = (
        "| reports | ours build+render | ours st_folium | ours page | ours B/report "
        "| naive build+render | naive page | naive B/report | time ratio | size ratio |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    naive_per_report: tuple[float, float] | None = None
    for size in sizes:
        reports = make_reports(wards, size, rng)

        def make_ours(reports: pd.DataFrame = reports) -> folium.Map:
            return build_command_map(wards, shelters, reports, t=t, now=NOW)

        ours_s, ours_bytes = measure(lambda: make_ours().get_root().render(), runs)
        st_s = measure_st_folium(make_ours, runs)
        if size <= NAIVE_CAP:
            naive_s, naive_bytes = measure(
                lambda reports=reports: build_naive(wards, shelters, reports).get_root().render(),
                naive_runs if size < NAIVE_CAP else max(1, naive_runs - 1),
            )
            naive_per_report = (naive_s / size, naive_bytes / size)
            mark = ""
        else:
            assert naive_per_report is not None, "the naive cap must be one of the sizes"
            naive_s = naive_per_report[0] * size
            naive_bytes = int(naive_per_report[1] * size)
            mark = f" (extrapolated from {NAIVE_CAP:,})"
        cells = (
            f"{size:,}",
            f"{ours_s:.3f} s",
            f"{st_s:.3f} s" if st_s is not None else "n/a",
            f"{ours_bytes / 1e6:.2f} MB",
            f"{ours_bytes / size:.0f}",
            f"{naive_s:.2f} s{mark}",
            f"{naive_bytes / 1e6:.1f} MB{mark}",
            f"{naive_bytes / size:.0f}",
            f"{naive_s / ours_s:.0f}x",
            f"{naive_bytes / ours_bytes:.0f}x",
        )
        print("| " + " | ".join(cells) + " |")
    print()
    print("targets: <= 0.3 s at 10,000 reports; <= 1 s and <= 3 MB at 100,000 reports")
    if not args.no_db:
        run_database_bench(DB_SIZES[:1] if args.quick else DB_SIZES, 1 if args.quick else DB_RUNS)
        run_replay_bench(DB_SIZES[:1] if args.quick else DB_SIZES, 1 if args.quick else DB_RUNS)


if __name__ == "__main__":
    main()
