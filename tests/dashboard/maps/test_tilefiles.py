"""Reading tiles from MBTiles and PMTiles files written in the test."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from pmtiles.convert import mbtiles_to_pmtiles
from pmtiles.tile import Compression, TileType, deserialize_header, zxy_to_tileid
from pmtiles.writer import Writer

from dashboard.maps import tilefiles
from dashboard.maps.tilefiles import TileFileError, open_tile_file
from tests.dashboard.maps.tile_factories import (
    BOUNDS,
    TILES,
    colour_of,
    tile_colour,
    write_mbtiles,
    write_pmtiles,
)

WRITERS = {"mbtiles": write_mbtiles, "pmtiles": write_pmtiles}


@pytest.fixture(params=sorted(WRITERS))
def kind(request) -> str:
    return request.param


def test_every_tile_comes_back_at_its_xyz_address(tmp_path: Path, kind: str) -> None:
    tiles = open_tile_file(WRITERS[kind](tmp_path / f"city.{kind}"))

    for z, x, y in TILES:
        assert tile_colour(tiles.tile(z, x, y)) == colour_of(z, x, y), (z, x, y)
    assert tiles.info.format == "png" and tiles.info.media_type == "image/png"
    assert (tiles.info.min_zoom, tiles.info.max_zoom) == (1, 2)
    assert tiles.info.bounds == pytest.approx(BOUNDS)


def test_mbtiles_rows_are_flipped_from_tms(tmp_path: Path) -> None:
    tiles = open_tile_file(write_mbtiles(tmp_path / "city.mbtiles"))
    with sqlite3.connect(tmp_path / "city.mbtiles") as conn:
        stored_row = conn.execute(
            "SELECT tile_row FROM tiles WHERE zoom_level = 2 AND tile_column = 3 ORDER BY rowid"
        ).fetchone()[0]

    assert stored_row == 3  # XYZ y 0 (the north) is TMS row 3
    assert tile_colour(tiles.tile(2, 3, 0)) == colour_of(2, 3, 0)
    assert tile_colour(tiles.tile(2, 3, 3)) == colour_of(2, 3, 3)


@pytest.mark.parametrize(
    "zxy",
    [(2, 0, 0), (3, 0, 0), (0, 0, 0), (1, 2, 0), (1, 0, 2), (1, -1, 0), (40, 0, 0), (2, 4, 0)],
)
def test_tiles_the_file_does_not_hold_are_none(tmp_path: Path, kind: str, zxy) -> None:
    tiles = open_tile_file(WRITERS[kind](tmp_path / f"city.{kind}"))

    assert tiles.tile(*zxy) is None


def test_attribution_comes_from_the_metadata_as_plain_text(tmp_path: Path, kind: str) -> None:
    credit = '<a href="https://x.test/">&copy; OpenStreetMap</a> <script>alert(1)</script>'
    path = tmp_path / f"city.{kind}"
    WRITERS[kind](path, metadata={"name": "test", "attribution": credit})

    attribution = open_tile_file(path).info.attribution

    assert attribution == "© OpenStreetMap alert(1)"


def test_gzip_compressed_pmtiles_tiles_are_served_unpacked(tmp_path: Path) -> None:
    tiles = open_tile_file(write_pmtiles(tmp_path / "gz.pmtiles", gzip_tiles=True))

    assert tile_colour(tiles.tile(1, 1, 0)) == colour_of(1, 1, 0)


def test_a_tile_longer_than_the_limit_is_not_read(tmp_path: Path, kind: str, monkeypatch) -> None:
    tiles = open_tile_file(WRITERS[kind](tmp_path / f"city.{kind}"))
    monkeypatch.setattr(tilefiles, "MAX_TILE_BYTES", 10)
    if kind == "pmtiles":  # the limit is read when the file is opened
        tiles = open_tile_file(tmp_path / f"city.{kind}")

    assert tiles.tile(1, 0, 0) is None


def test_vector_tiles_are_refused_with_a_reason(tmp_path: Path) -> None:
    write_mbtiles(tmp_path / "v.mbtiles", metadata={"format": "pbf"})
    write_pmtiles(tmp_path / "v.pmtiles", tile_type=TileType.MVT)

    for name in ("v.mbtiles", "v.pmtiles"):
        with pytest.raises(TileFileError, match="vector tiles"):
            open_tile_file(tmp_path / name)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"", "neither an MBTiles nor a PMTiles"),
        (b"<html>not a tile file</html>", "neither an MBTiles nor a PMTiles"),
        (b"PMTiles\x02" + bytes(200), "not a PMTiles v3"),
    ],
)
def test_what_is_not_a_tile_file_is_refused(tmp_path: Path, content, message) -> None:
    path = tmp_path / "x.mbtiles"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(TileFileError, match=message):
        open_tile_file(path)


def test_an_sqlite_file_without_tiles_is_refused(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.mbtiles").execute("CREATE TABLE x (y)").connection.close()

    with pytest.raises(TileFileError, match="not a readable MBTiles"):
        open_tile_file(tmp_path / "empty.mbtiles")


def test_the_file_is_opened_read_only(tmp_path: Path) -> None:
    path = write_mbtiles(tmp_path / "city.mbtiles")
    before = path.read_bytes()
    tiles = open_tile_file(path)
    tiles.tile(1, 0, 0)
    tiles.close()

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city.mbtiles"]  # no journal, no WAL


def test_a_pmtiles_archive_with_leaf_directories_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.pmtiles"
    # Scattered tiles of scattered lengths: a directory too big for the root (16 KiB).
    rng = random.Random(7)
    addresses = [(z, x, y) for z in range(8) for x in range(1 << z) for y in range(1 << z)]
    kept = [a for a in addresses if a[0] < 6 or a == (7, 99, 42) or rng.random() < 0.5]
    with open(path, "wb") as handle:
        writer = Writer(handle)
        for z, x, y in sorted(kept, key=lambda a: zxy_to_tileid(*a)):
            data = f"tile {z}/{x}/{y};".encode() + b"." * rng.randrange(300)
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        header = {"tile_type": TileType.PNG, "tile_compression": Compression.NONE}
        header |= dict.fromkeys(("min_lon_e7", "min_lat_e7", "center_zoom"), 0)
        header |= {"max_lon_e7": 10**9, "max_lat_e7": 8 * 10**8}
        header |= {"center_lon_e7": 0, "center_lat_e7": 0}
        writer.finalize(header, {"name": "big"})
    with open(path, "rb") as handle:
        assert deserialize_header(handle.read(127))["leaf_directory_length"] > 0

    tiles = open_tile_file(path)

    for z, x, y in kept[:: len(kept) // 50]:
        assert tiles.tile(z, x, y).startswith(f"tile {z}/{x}/{y};".encode())
    assert tiles.tile(7, 99, 42).startswith(b"tile 7/99/42;")
    assert all(tiles.tile(*a) is None for a in set(addresses[-3000:]) - set(kept))
    assert tiles.tile(8, 0, 0) is None


def test_an_mbtiles_converted_by_the_pmtiles_package_reads_the_same(tmp_path: Path) -> None:
    """The reference converter flips rows its own way: both files must agree tile by tile."""
    zooms = {"minzoom": "1", "maxzoom": "2", "center": "135.4,34.6,1"}
    source = write_mbtiles(tmp_path / "city.mbtiles", metadata=zooms)
    mbtiles_to_pmtiles(str(source), str(tmp_path / "city.pmtiles"), maxzoom=None)

    mb, pm = open_tile_file(source), open_tile_file(tmp_path / "city.pmtiles")

    assert all(mb.tile(*t) == pm.tile(*t) is not None for t in TILES)
    assert mb.info.bounds == pytest.approx(pm.info.bounds)
