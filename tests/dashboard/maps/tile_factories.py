"""Small MBTiles and PMTiles files written in the test: each tile a PNG of its own colour."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
from pathlib import Path

from PIL import Image
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

# Tiles of the test files (XYZ, y from the north): z 1 whole, and two of z 2 that a y flip
# would swap (y 0 and y 3 of column 3).
TILES = ((1, 0, 0), (1, 1, 0), (1, 0, 1), (1, 1, 1), (2, 3, 0), (2, 3, 3))
BOUNDS = (135.0, 34.3, 135.75, 34.9)


def colour_of(z: int, x: int, y: int) -> tuple[int, int, int]:
    """A colour that names the tile, so a test can tell which one it got."""
    return (z * 40, x * 40 + 20, y * 40 + 30)


def png(colour: tuple[int, int, int], size: int = 256) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def tile_colour(data: bytes) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(data)).convert("RGB").getpixel((10, 10))


def write_mbtiles(path: Path, *, metadata: dict[str, str] | None = None, tiles=TILES) -> Path:
    """An MBTiles file with rows stored the TMS way (y from the south), as the format says."""
    meta = {"name": "test", "format": "png", "bounds": ",".join(map(str, BOUNDS))}
    meta.update(metadata or {})
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        conn.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
            "tile_data BLOB)"
        )
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
        for z, x, y in tiles:
            conn.execute(
                "INSERT INTO tiles VALUES (?, ?, ?, ?)",
                (z, x, (1 << z) - 1 - y, png(colour_of(z, x, y))),
            )
    conn.close()
    return path


def write_pmtiles(
    path: Path,
    *,
    metadata: dict | None = None,
    tiles=TILES,
    tile_type: TileType = TileType.PNG,
    gzip_tiles: bool = False,
) -> Path:
    """A PMTiles v3 archive written with the pmtiles package's own writer."""
    with open(path, "wb") as handle:
        writer = Writer(handle)
        for z, x, y in sorted(tiles, key=lambda t: zxy_to_tileid(*t)):
            data = png(colour_of(z, x, y))
            writer.write_tile(zxy_to_tileid(z, x, y), gzip.compress(data) if gzip_tiles else data)
        west, south, east, north = BOUNDS
        header = {
            "tile_type": tile_type,
            "tile_compression": Compression.GZIP if gzip_tiles else Compression.NONE,
            "min_lon_e7": int(west * 1e7),
            "min_lat_e7": int(south * 1e7),
            "max_lon_e7": int(east * 1e7),
            "max_lat_e7": int(north * 1e7),
            "center_zoom": 1,
            "center_lon_e7": int((west + east) / 2 * 1e7),
            "center_lat_e7": int((south + north) / 2 * 1e7),
        }
        writer.finalize(header, metadata or {"name": "test"})
    return path


def metadata_json(**values) -> str:
    return json.dumps(values)
