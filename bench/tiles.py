"""Benchmark: the local base map — drawing the demo's file, and serving one tile.

Usage: python bench/tiles.py [--requests N]. Prints tables; asserts nothing about time.

Serving is timed per tile for the demo's MBTiles and the same tiles converted to PMTiles: the
readers alone, against baselines in the same run (the ``pmtiles`` package's own ``Reader.get``,
which parses the header and root directory on every call, and an MBTiles read that opens a new
SQLite connection per tile), then through the app's route in-process (ASGI, no network:
settings, the open file, one tile, one worker-thread hop).
"""

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo

from pmtiles.convert import mbtiles_to_pmtiles  # noqa: E402
from pmtiles.reader import MmapSource, Reader  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from dashboard.maps import basemap, demo_basemap  # noqa: E402
from dashboard.maps.tilefiles import open_tile_file  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from dashboard.web import ROUTES  # noqa: E402

# Zooms asked for: what a city map at street level requests.
ZOOMS = (13, 14, 15)
# Timed rounds of drawing the demo file; the median is reported.
DRAW_RUNS = 3


def addresses(n: int, rng: random.Random) -> list[tuple[int, int, int]]:
    out = []
    for _ in range(n):
        z = rng.choice(ZOOMS)
        xs, ys = demo_basemap._tile_range(z)
        out.append((z, rng.choice(xs), rng.choice(ys)))
    return out


def per_call_us(fn, items) -> float:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def route_caller(app: Starlette):
    async def call(path: str) -> int:
        sent = []
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [],
            "http_version": "1.1",
            "scheme": "http",
            "server": ("127.0.0.1", 8501),
            "client": ("127.0.0.1", 1),
        }

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await app(scope, receive, send)
        return sent[0]["status"]

    loop = asyncio.new_event_loop()
    return lambda zxy: loop.run_until_complete(call("/tiles/{}/{}/{}.png".format(*zxy)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-tiles-"))

    draws = []
    for i in range(DRAW_RUNS):
        start = time.perf_counter()
        demo_basemap.write_demo_basemap(work / f"draw{i}.mbtiles")
        draws.append(time.perf_counter() - start)
    mbtiles = demo_basemap.ensure_demo_basemap(work)
    pmtiles = work / "demo.pmtiles"
    mbtiles_to_pmtiles(str(mbtiles), str(pmtiles), maxzoom=None)
    with sqlite3.connect(mbtiles) as conn:
        (tiles,), (drawn,) = conn.execute(
            "SELECT count(*) FROM map UNION ALL SELECT count(*) - 2 FROM images"
        ).fetchall()
    print(
        f"demo base map: {tiles} tiles ({drawn} drawn, the rest plain land or sea), "
        f"{mbtiles.stat().st_size / 1e6:.1f} MB; draw median {statistics.median(draws):.2f} s "
        f"of {DRAW_RUNS}"
    )

    items = addresses(args.requests, random.Random(1))
    rows = []
    mb_file, pm_file = open_tile_file(mbtiles), open_tile_file(pmtiles)
    rows.append(
        ("read, MBTiles (connection per thread)", per_call_us(lambda t: mb_file.tile(*t), items))
    )

    def fresh_connection(zxy):
        z, x, y = zxy
        with sqlite3.connect(f"{mbtiles.as_uri()}?mode=ro", uri=True) as conn:
            conn.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, (1 << z) - 1 - y),
            ).fetchone()

    rows.append(("  baseline: new connection per tile", per_call_us(fresh_connection, items)))
    rows.append(
        ("read, PMTiles (directories cached)", per_call_us(lambda t: pm_file.tile(*t), items))
    )
    reader = Reader(MmapSource(open(pmtiles, "rb")))
    rows.append(("  baseline: pmtiles Reader.get", per_call_us(lambda t: reader.get(*t), items)))

    call = route_caller(Starlette(routes=ROUTES))
    for label, choice in (("MBTiles", "demo"), ("PMTiles", str(pmtiles))):
        settings = Settings(tiles=choice, data_dir=work, secret_key="x" * 32)
        basemap.get_settings = lambda settings=settings: settings
        assert call(items[0]) == 200
        rows.append((f"route /tiles (ASGI in-process), {label}", per_call_us(call, items)))

    print(f"\nserving {args.requests} random tiles at zooms {ZOOMS} (median per tile)")
    print(f"{'':42} {'µs':>8}  ratio")
    for i, (label, us) in enumerate(rows):
        ratio = f"{us / rows[i - 1][1]:.2f}x vs ours" if "baseline" in label else ""
        print(f"{label:42} {us:8.0f}  {ratio}")


if __name__ == "__main__":
    main()
