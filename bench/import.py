"""Benchmark: importing a national-size shelter registry (~83,000 rows, GSI 指定緊急避難場所
layout, CP932 like the published files) into the demo city, on SQLite and PostgreSQL.

Usage: python bench/import.py [--rows N] [--baseline-rows N] [--no-pg]
Prints a table; asserts nothing. Each measurement runs in its own process (spawn), so "peak RSS"
is that process's own high-water mark (ru_maxrss) and "RSS before" its size before the file is
read; the difference is what the import itself costs in memory.

Rows of the table, per backend:
- import (new):      ``imports.import_shelters`` on an empty registry (bulk insert).
- re-import (same):  the same file again: every row matched on its 共通ID, nothing written.
- row-by-row ORM:    the baseline, in the same run, on the first ``--baseline-rows`` rows:
  csv.DictReader, one ``ward_at`` point lookup,
  one SELECT by registry id and one ``session.add(Shelter(...))`` per row, one commit.
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo

import numpy as np  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

# Shelter rows of the national GSI 指定緊急避難場所 file (order of magnitude, 2024).
ROWS = 83_000
# Rows the baseline imports (at ~60 rows/s the whole file would take ~25 minutes; its rows/s is
# what the comparison needs).
BASELINE_ROWS = 5_000
PG_ADMIN_URL = os.environ.get(
    "DASHBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def make_file(rows: int, path: Path) -> None:
    """A GSI 指定緊急避難場所 CSV with ``rows`` points inside the demo city's wards."""
    from dashboard.services.demo import demo_areas
    from dashboard.services.imports import LAYOUTS

    areas = demo_areas()
    wards = areas[areas["level"] == "ward"]
    centres = [(p.y, p.x) for p in wards.geometry.representative_point()]
    rng = np.random.default_rng(11)
    columns = LAYOUTS["gsi_emergency"].columns
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for i in range(rows):
        lat, lon = centres[i % len(centres)]
        lat += rng.uniform(-0.004, 0.004)
        lon += rng.uniform(-0.004, 0.004)
        flags = ["1" if rng.random() < 0.4 else "" for _ in range(8)]
        writer.writerow(
            [
                i + 1,
                f"B{i:07d}",
                "大阪府大阪市",
                f"避難場所{i}",
                f"大阪市{i}番地",
                *flags,
                "",
                f"{lat:.6f}",
                f"{lon:.6f}",
                "",
            ]
        )
    path.write_bytes(buffer.getvalue().encode("cp932"))


def prepare(url: str) -> None:
    from dashboard.services.areas import store_areas
    from dashboard.services.demo import demo_areas
    from dashboard.storage.db import make_engine, transaction
    from dashboard.storage.migrate import upgrade_head

    engine = make_engine(url)
    upgrade_head(engine)
    with transaction(engine) as session:
        store_areas(session, demo_areas(), schematic=True)
    engine.dispose()


def run_service(url: str, path: str, queue) -> None:
    from dashboard.domain import SYSTEM
    from dashboard.services.imports import import_shelters
    from dashboard.storage.db import make_engine

    engine = make_engine(url)
    before = rss_mb()
    start = time.perf_counter()
    result = import_shelters(engine, SYSTEM, Path(path).read_bytes(), area="27100")
    seconds = time.perf_counter() - start
    queue.put((seconds, result.total, before, rss_mb(), result.created, result.unchanged))


def run_baseline(url: str, path: str, limit: int, queue) -> None:
    from dashboard.services.areas import ward_at
    from dashboard.storage.db import make_engine, transaction
    from dashboard.storage.models import Shelter

    engine = make_engine(url)
    before = rss_mb()
    start = time.perf_counter()
    created = 0
    with transaction(engine) as session:
        text_ = Path(path).read_bytes().decode("cp932")
        for n, row in enumerate(csv.DictReader(io.StringIO(text_, newline=""))):
            if n >= limit:
                break
            lat, lon = float(row["緯度"]), float(row["経度"])
            ward = ward_at(session, lat, lon)
            found = session.scalar(
                select(Shelter.id).where(
                    Shelter.municipality_code == "27100", Shelter.registry_id == row["共通ID"]
                )
            )
            if found is None and ward is not None:
                session.add(
                    Shelter(
                        name=row["施設・場所名"],
                        address=row["住所"],
                        lat=lat,
                        lon=lon,
                        ward_code=ward,
                        kind="emergency_site",
                        hazards=[],
                        municipality_code="27100",
                        registry_id=row["共通ID"],
                        source="baseline",
                        attributes={},
                    )
                )
                created += 1
    seconds = time.perf_counter() - start
    queue.put((seconds, min(limit, n + 1), before, rss_mb(), created, 0))


def measure(target, *args) -> tuple:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(*args, queue))
    process.start()
    found = queue.get(timeout=1800)
    process.join()
    return found


def backends(use_pg: bool):
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    yield "SQLite", lambda name: f"sqlite:///{folder / name}.sqlite3", None
    if not use_pg:
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    names: list[str] = []

    def pg(name: str) -> str:
        db = f"bench_import_{name}_{uuid.uuid4().hex[:6]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db}"'))
        names.append(db)
        return admin.url.set(database=db).render_as_string(hide_password=False)

    try:
        with admin.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - no server: say so and skip
        print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return
    try:
        yield "PostgreSQL", pg, None
    finally:
        with admin.connect() as conn:
            for db in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--baseline-rows", type=int, default=BASELINE_ROWS)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="bench-import-file-")) / "hinanbasho.csv"
    make_file(args.rows, path)
    size = path.stat().st_size / 1e6
    print(f"file: {args.rows:,} rows, {size:.1f} MB, GSI 指定緊急避難場所 layout, CP932\n")
    header = f"{'backend':<11} {'run':<18} {'rows':>7} {'seconds':>8} {'rows/s':>8} "
    header += f"{'RSS before MB':>14} {'peak RSS MB':>12}"
    print(header, flush=True)
    print("-" * len(header))
    for label, new_url, _ in backends(not args.no_pg):
        service_url, baseline_url = new_url("service"), new_url("baseline")
        prepare(service_url)
        prepare(baseline_url)
        runs = [
            ("import (new)", measure(run_service, service_url, str(path))),
            ("re-import (same)", measure(run_service, service_url, str(path))),
            ("row-by-row ORM", measure(run_baseline, baseline_url, str(path), args.baseline_rows)),
        ]
        for name, (seconds, rows, before, peak, _created, _unchanged) in runs:
            print(
                f"{label:<11} {name:<18} {rows:>7,} {seconds:>8.2f} {rows / seconds:>8,.0f} "
                f"{before:>14.0f} {peak:>12.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
