"""Benchmark: geo.assign_areas against a naive per-point loop over all polygons.

Usage: python bench/geo_assign.py [path/to/boundaries]   (default: the 72 Osaka municipalities
in ../shared/data/osaka beside the repository). Prints a table; asserts nothing about time.
"""

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo

from geo import assign_areas, load_boundaries  # noqa: E402

# Default boundary file: shared/ sits beside the repository root.
DEFAULT_BOUNDARIES = (
    Path(__file__).resolve().parents[2] / "shared/data/osaka/osaka-pref-municipalities.geojson"
)

# Point counts timed for assign_areas.
SIZES = (1_000, 10_000, 100_000)

# Timed runs per size; the median is reported.
RUNS = 5

# Points run through the naive loop; its time is extrapolated linearly to the larger sizes.
NAIVE_POINTS = 1_000


def random_points(areas, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points over the bounding box of the areas (some fall outside every area)."""
    west, south, east, north = areas.total_bounds
    return rng.uniform(south, north, n), rng.uniform(west, east, n)


def naive_assign(lat: np.ndarray, lon: np.ndarray, areas) -> list[str | None]:
    """The baseline: for each point, polygon.contains over every polygon until one matches."""
    pairs = list(zip(areas["code"], areas.geometry, strict=True))
    result = []
    for y, x in zip(lat, lon, strict=True):
        point = shapely.Point(x, y)
        result.append(next((code for code, polygon in pairs if polygon.contains(point)), None))
    return result


def median_seconds(run, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_BOUNDARIES
    areas = load_boundaries(path)
    vertices = int(shapely.get_num_coordinates(areas.geometry.values).sum())
    rng = np.random.default_rng(0)
    print(f"{path.name}: {len(areas)} areas, {vertices} vertices; median of {RUNS} runs\n")

    lat, lon = random_points(areas, NAIVE_POINTS, rng)
    naive_s = median_seconds(lambda: naive_assign(lat, lon, areas), runs=3)
    fast = assign_areas(lat, lon, areas)
    # contains excludes borders, assign_areas includes them: random points never sit on one.
    assert list(fast) == naive_assign(lat, lon, areas), "assign_areas disagrees with the baseline"

    header = (
        f"{'points':>8} | {'assign_areas ms':>15} | {'points/s':>12} | {'naive ms':>10} | ratio"
    )
    print(header)
    print("-" * len(header))
    for n in SIZES:
        lat, lon = random_points(areas, n, rng)
        seconds = median_seconds(lambda lat=lat, lon=lon: assign_areas(lat, lon, areas))
        naive = naive_s * n / NAIVE_POINTS
        estimated = "" if n == NAIVE_POINTS else "*"
        print(
            f"{n:>8,} | {seconds * 1000:>15.1f} | {n / seconds:>12,.0f} | "
            f"{naive * 1000:>9.0f}{estimated or ' '} | {naive / seconds:>5.0f}x"
        )
    print(f"\n* naive time extrapolated from {NAIVE_POINTS:,} points (median of 3 runs)")


if __name__ == "__main__":
    main()
