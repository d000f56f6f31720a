"""Benchmark: five photos just under the pixel cap (issue 10), time and peak memory per format.

Each row runs ``damage.process_photo`` five times in a fresh process (peak RSS is the process's
``ru_maxrss``) on a 9984 x 6400 (63.9 MP) image, as PNG and as JPEG. The baseline is the same
measurement with another checkout's code (default ``/work/main``), in the same run.

Run from the repository root: ``/work/main/.venv/bin/python bench/photos.py [--baseline PATH]``.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

PHOTOS = 5
SIZE = (9984, 6400)
_CHILD = """
import re, sys, time
from dashboard.services.damage.photos import process_photo
data = open(sys.argv[1], "rb").read()
began = time.perf_counter()
for _ in range(int(sys.argv[2])):
    process_photo(data)
status = open("/proc/self/status").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) / 1024
print(f"{time.perf_counter() - began:.1f} {peak:.0f}")
"""


def _photos(folder: Path) -> dict[str, Path]:
    w, h = SIZE
    y, x = np.mgrid[0:h, 0:w]
    pixels = np.stack([(x // 8) % 256, (y // 8) % 256, ((x + y) // 16) % 256], axis=-1)
    image = Image.fromarray(pixels.astype(np.uint8), "RGB")
    paths = {}
    for fmt, options in (("PNG", {"optimize": True}), ("JPEG", {"quality": 90})):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        paths[fmt] = folder / f"big.{fmt.lower()}"
        paths[fmt].write_bytes(buffer.getvalue())
    return paths


def _measure(checkout: Path, photo: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(photo), str(PHOTOS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=checkout,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, default=Path("/work/main"))
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        photos = _photos(Path(folder))
        print(f"{PHOTOS} photos of {SIZE[0]}x{SIZE[1]} px each, fresh process per row")
        print(f"{'format':<6} {'code':<9} {'seconds':>8} {'peak RSS MiB':>13}")
        for fmt, photo in photos.items():
            for name, checkout in (("baseline", args.baseline), ("this", here)):
                seconds, peak = _measure(checkout, photo)
                print(f"{fmt:<6} {name:<9} {seconds:>8.1f} {peak:>13.0f}")


if __name__ == "__main__":
    main()
